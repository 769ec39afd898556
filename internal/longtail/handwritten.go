package longtail

import "github.com/labstack/echo/v4"

// handwritten are the long-tail operations answered by hand, by id: each
// where the document's shape gives the inference nothing to pair (the
// files named beside them say why).
func (m *Module) handwritten() map[string]echo.HandlerFunc {
	return map[string]echo.HandlerFunc{
		// notifications.go: the builder, the count, the template switch,
		// marking read.
		opNotificationCount: m.countNotifications,
		opBuilderPreview:    m.previewNotification,
		opBuilderSend:       m.sendNotification,
		opBuilderRecipients: m.buildRecipients,
		opTemplateToggle:    m.toggleTemplate,
		opMarkAllRead:       m.markAllRead,
		// custom_domains.go: a tenant's custom domains.
		opCustomDomains:      m.customDomains,
		opCustomDomainCreate: m.createCustomDomain,
		opCustomDomainDelete: m.deleteCustomDomain,
		// resume.go: a user's resume.
		opResumeRead:    m.readResume,
		opResumeUpload:  m.uploadResume,
		opResumeReplace: m.uploadResume,
	}
}
