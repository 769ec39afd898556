package lms

import (
	"encoding/json"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/drf"
	"github.com/labstack/echo/v4"
)

// TokenLifetime is how long the tokens the exchange answers are said to
// last (their "expires"): the app asks again before then. The keys
// themselves never expire.
const TokenLifetime = 24 * time.Hour

// maxFormBytes bounds the token exchange's body: a form with one field.
const maxFormBytes = 64 << 10

// tokens answers POST /api/ibl/manager/consolidated-token/proxy/ (the
// data layer's getAppTokens, which web-utils' TenantProvider calls with a
// FormData holding platform_key, and whose answer it reads as
// {data: {dm_token: {token, expires}, axd_token: {token, expires}, user}}:
// TokenResponse in @iblai/data-layer's auth types). The tokens are ones
// the fake's data-manager routes accept for that platform: the caller's
// own key, which must be bound to it (403 else) once keys are bound, and
// the caller's token while none is (any key works then).
func (m *Module) tokens(c echo.Context) error {
	who, err := m.authenticate(c)
	if err != nil {
		return err
	}
	platform, err := formValue(c, "platform_key")
	if err != nil {
		return err
	}
	if platform == "" {
		return api.Field("platform_key", api.MsgRequired)
	}
	if !who.sees(platform) {
		return api.Detail(http.StatusForbidden, api.MsgForbidden)
	}
	u, err := m.userOn(who, platform)
	if err != nil {
		return err
	}
	expires := drf.FormatDateTime(m.d.Clock.Now().Add(TokenLifetime))
	token := map[string]any{"token": who.token, "expires": expires}
	return api.JSON(c, http.StatusOK, map[string]any{"data": map[string]any{
		"dm_token":  token,
		"axd_token": token,
		"user":      map[string]any{"user_id": u.UserID, "username": u.Username, "email": u.Email, "name": u.Name},
	}})
}

// tenants answers GET /api/ibl/users/manage/platform/: the user's tenants,
// each as the data layer's Tenant type has it (@iblai/data-layer
// features/tenant/types.d.ts), which web-utils' TenantProvider searches
// for the requested tenant (tenant.key) and saves (key, is_admin, org,
// platform_name).
func (m *Module) tenants(c echo.Context) error {
	who, err := m.authenticate(c)
	if err != nil {
		return err
	}
	ts, err := m.visible(who)
	if err != nil {
		return err
	}
	base := c.Scheme() + "://" + c.Request().Host
	now := drf.FormatDateTime(m.d.Clock.Now())
	out := make([]map[string]any, 0, len(ts))
	for _, t := range ts {
		u, err := m.userOn(who, t)
		if err != nil {
			return err
		}
		out = append(out, map[string]any{
			"user_id": u.UserID, "username": u.Username, "email": u.Email, "user_active": true,
			"key": t, "org": t, "name": t, "platform_name": t,
			"lms_url": base, "cms_url": base, "portal_url": nil,
			"is_admin": u.Admin, "is_staff": u.Admin,
			"added_on": now, "expired_on": nil, "public": nil, "active": true,
		})
	}
	return api.JSON(c, http.StatusOK, out)
}

// metadata answers GET /api/ibl/users/manage/metadata/?username=: a user's
// profile (the data layer's UserProfile: web-containers' profile pages
// read username, name, email, title, about, public_metadata,
// social_links), the caller's when no username is given. Another user's
// only where one of the caller's tenants has them in its directory; else
// DRF's 404.
func (m *Module) metadata(c echo.Context) error {
	who, err := m.authenticate(c)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(c.QueryParam("username"))
	if name == "" {
		name = who.username
	}
	ts, err := m.visible(who)
	if err != nil {
		return err
	}
	u, found := api.DirectoryUser{}, false
	if name == who.username {
		u, found = m.claimed(who), true
	}
	if err := m.d.Store.View(func(tx store.Tx) error {
		for _, t := range ts {
			if du, ok := m.o.User(tx, t, name); ok {
				u, found = du, true
				return nil
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if !found {
		return api.Detail(http.StatusNotFound, api.MsgNotFound)
	}
	return api.JSON(c, http.StatusOK, profile(u))
}

// mfeContext answers GET /api/mfe_context, public: the login page's
// context (the data layer's MfeContextResponse: context_data or
// contextData, with providers). The fake has no single-sign-on
// providers.
func (m *Module) mfeContext(c echo.Context) error {
	ctx := map[string]any{
		"currentProvider": nil, "platformName": "iblfake", "providers": []any{}, "secondaryProviders": []any{},
		"finishAuthUrl": nil, "errorMessage": nil, "pipelineUserDetails": map[string]any{}, "countryCode": nil,
	}
	return api.JSON(c, http.StatusOK, map[string]any{"contextData": ctx, "registrationFields": map[string]any{}, "optionalFields": map[string]any{}})
}

// userOn is the caller's user as tenant's directory has them, else as
// the token says (see claimed).
func (m *Module) userOn(who *caller, tenant string) (api.DirectoryUser, error) {
	return api.Read(m.d.Store, func(tx store.Tx) (api.DirectoryUser, error) {
		if u, ok := m.o.User(tx, tenant, who.username); ok {
			return u, nil
		}
		return m.claimed(who), nil
	})
}

// claimed is the caller's user as its token says: a JWT's user_id, email
// and name claims. A user no directory holds administers the tenant, as
// the credentials API treats a caller its directory does not hold.
func (m *Module) claimed(who *caller) api.DirectoryUser {
	u := api.DirectoryUser{Username: who.username, Admin: true}
	if n, ok := who.claims["user_id"].(float64); ok {
		u.UserID = int64(n)
	}
	u.Email, _ = who.claims["email"].(string)
	u.Name, _ = who.claims["name"].(string)
	return u
}

// profile is a user's profile as the data layer's UserProfile has it.
func profile(u api.DirectoryUser) map[string]any {
	image := map[string]any{"has_image": false, "image_url_full": "", "image_url_large": "", "image_url_medium": "", "image_url_small": ""}
	return map[string]any{
		"id": u.UserID, "username": u.Username, "email": u.Email, "name": u.Name,
		"title": "", "about": "", "bio": nil, "account_privacy": "private",
		"public_metadata":                   map[string]any{"about": "", "bio": "", "language": "en", "name": u.Name, "profile_image": image, "social_links": []any{}},
		"profile_image":                     image,
		"social_links":                      []any{},
		"is_active":                         true,
		"date_joined":                       nil,
		"last_login":                        nil,
		"country":                           nil,
		"time_zone":                         nil,
		"gender":                            nil,
		"state":                             nil,
		"goals":                             nil,
		"year_of_birth":                     nil,
		"phone_number":                      nil,
		"mailing_address":                   nil,
		"secondary_email":                   nil,
		"verified_name":                     nil,
		"activation_key":                    nil,
		"level_of_education":                nil,
		"course_certificates":               nil,
		"language_proficiencies":            []any{},
		"extended_profile":                  []any{},
		"accomplishments_shared":            false,
		"requires_parental_consent":         false,
		"secondary_email_enabled":           nil,
		"pending_name_change":               nil,
		"enable_sidebar_ai_mentor_display":  false,
		"enable_skills_leaderboard_display": false,
	}
}

// formValue reads a field of a form body (multipart, as the data layer's
// FormData sends it, or urlencoded) or of a JSON object.
func formValue(c echo.Context, field string) (string, error) {
	req := c.Request()
	req.Body = http.MaxBytesReader(c.Response(), req.Body, maxFormBytes)
	mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if mt == echo.MIMEApplicationJSON {
		var body map[string]any
		if err := json.NewDecoder(req.Body).Decode(&body); err != nil {
			return "", api.Detail(http.StatusBadRequest, "JSON parse error - "+err.Error())
		}
		s, _ := body[field].(string)
		return strings.TrimSpace(s), nil
	}
	return strings.TrimSpace(c.FormValue(field)), nil
}
