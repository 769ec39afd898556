package credentials

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/internal/drf"
)

// An issue writes an assertion twice: as the store keeps it (json.Marshal
// of Assertion) and as it answers it (api.Encode of its AssertionView).
// encoding/json's reflection over the two structs was a tenth of an issue
// request (README, Performance), so both are written field by field here
// instead. Each byte is encoding/json's: TestPutAssertionWritesLegacyEntries
// holds the stored form to json.Marshal and TestAssertionBytesAreLegacyBytes
// the answer to api.Encode, over random assertions. Metadata, free-form,
// is handed to encoding/json itself.

// marshalAssertion returns json.Marshal(a).
func marshalAssertion(a *Assertion) ([]byte, error) {
	b := make([]byte, 0, 512)
	b = append(b, `{"entity_id":`...)
	b = api.AppendStringEscapeHTML(b, a.EntityID)
	b = append(b, `,"tenant":`...)
	b = api.AppendStringEscapeHTML(b, a.Tenant)
	b = append(b, `,"credential_id":`...)
	b = api.AppendStringEscapeHTML(b, a.CredentialID)
	b = append(b, `,"seq":`...)
	b = strconv.AppendUint(b, a.Seq, 10)
	b = append(b, `,"recipient":{"username":`...)
	b = api.AppendStringEscapeHTML(b, a.Recipient.Username)
	b = append(b, `,"email":`...)
	b = api.AppendNullableStringEscapeHTML(b, a.Recipient.Email)
	b = append(b, `,"name":`...)
	b = api.AppendNullableStringEscapeHTML(b, a.Recipient.Name)
	b = append(b, `},"issued_on":`...)
	b, ok := appendTime(b, &a.IssuedOn)
	if !ok {
		return json.Marshal(a) // its error: a year encoding/json refuses
	}
	b = append(b, `,"expires_at":`...)
	if b, ok = appendTime(b, a.ExpiresAt); !ok {
		return json.Marshal(a)
	}
	b = append(b, `,"course":`...)
	b = appendStoredRef(b, a.Course)
	b = append(b, `,"program":`...)
	b = appendStoredRef(b, a.Program)
	b = append(b, `,"pathway":`...)
	b = appendStoredRef(b, a.Pathway)
	b = append(b, `,"catalog_item":`...)
	b = api.AppendNullableStringEscapeHTML(b, a.CatalogItem)
	b = append(b, `,"metadata":`...)
	if a.Metadata == nil {
		b = append(b, "null"...)
	} else {
		m, err := json.Marshal(a.Metadata)
		if err != nil {
			return nil, err
		}
		b = append(b, m...)
	}
	b = append(b, `,"narrative":`...)
	b = api.AppendNullableStringEscapeHTML(b, a.Narrative)
	b = append(b, `,"revoked":`...)
	b = strconv.AppendBool(b, a.Revoked)
	b = append(b, `,"revocation_reason":`...)
	b = api.AppendNullableStringEscapeHTML(b, a.RevocationReason)
	b = append(b, `,"acceptance":`...)
	b = api.AppendStringEscapeHTML(b, a.Acceptance)
	return append(b, '}'), nil
}

// appendTime appends *t as time.Time's MarshalJSON writes it (null for
// nil); false for a time it refuses (a year outside 0-9999).
func appendTime(b []byte, t *time.Time) ([]byte, bool) {
	if t == nil {
		return append(b, "null"...), true
	}
	b = append(b, '"')
	b, err := t.AppendText(b) // MarshalJSON's strict RFC 3339, unquoted
	if err != nil {
		return b, false
	}
	return append(b, '"'), true
}

// appendStoredRef appends r as json.Marshal writes a *Ref.
func appendStoredRef(b []byte, r *Ref) []byte {
	if r == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"id":`...)
	b = api.AppendStringEscapeHTML(b, r.ID)
	b = append(b, `,"name":`...)
	b = api.AppendNullableStringEscapeHTML(b, r.Name)
	return append(b, '}')
}

// appendAssertionView appends api.Encode(assertionView(a, cv)) where
// details are cv's encoded bytes (nil: no credential, null).
func appendAssertionView(b []byte, a *Assertion, details []byte) ([]byte, error) {
	b = append(b, `{"entityId":`...)
	b = api.AppendString(b, a.EntityID)
	b = append(b, `,"issuedOn":"`...)
	b = drf.AppendDateTime(b, a.IssuedOn)
	b = append(b, `","credentialDetails":`...)
	if details == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, details...)
	}
	b = append(b, `,"recipient":{"username":`...)
	b = api.AppendString(b, a.Recipient.Username)
	b = append(b, `,"email":`...)
	b = api.AppendNullableString(b, a.Recipient.Email)
	b = append(b, `,"name":`...)
	b = api.AppendNullableString(b, a.Recipient.Name)
	b = append(b, `},"metadata":`...)
	if len(a.Metadata) == 0 {
		b = append(b, "{}"...)
	} else {
		m, err := api.Encode(a.Metadata)
		if err != nil {
			return nil, err
		}
		b = append(b, m...)
	}
	b = append(b, `,"course":`...)
	if c := a.Course; c == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"name":`...)
		b = api.AppendNullableString(b, c.Name)
		b = append(b, `,"course_id":`...)
		b = append(api.AppendString(b, c.ID), '}')
	}
	b = append(b, `,"program":`...)
	if p := a.Program; p == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"name":`...)
		b = api.AppendNullableString(b, p.Name)
		b = append(b, `,"program_id":`...)
		b = append(api.AppendString(b, p.ID), '}')
	}
	b = append(b, `,"narrative":`...)
	b = api.AppendNullableString(b, a.Narrative)
	b = append(b, `,"revoked":`...)
	b = strconv.AppendBool(b, a.Revoked)
	b = append(b, `,"revocationReason":`...)
	b = api.AppendNullableString(b, a.RevocationReason)
	b = append(b, `,"acceptance":`...)
	b = api.AppendString(b, a.Acceptance)
	b = append(b, `,"expires":`...)
	if a.ExpiresAt == nil {
		b = append(b, "null"...)
	} else {
		b = append(drf.AppendDateTime(append(b, '"'), *a.ExpiresAt), '"')
	}
	return append(b, '}'), nil
}
