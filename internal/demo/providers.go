package demo

import (
	"fmt"
	"strings"
)

// providers configures Accredible for the demo platform, as its admin would
// in the provider configuration screen, and maps the course certificates
// to Accredible templates (the external credential mapping screen), one
// of them without a group of its own (it falls back to the config's).
func (b *builder) providers() error {
	b.at(b.daysAgo(75))
	group := fmt.Sprint(b.f.IntRange(100000, 999999))
	err := b.call("POST", credBase+"provider-config/", map[string]any{"provider_name": "accredible", "enabled": true,
		"config": map[string]any{
			"accredible_api_key": "demo-" + b.f.LetterN(24), "accredible_group_id": group,
			"accredible_base_url": "https://dashboard.accredible.com/", "accredible_api_base_url": "https://api.accredible.com/v1/",
			"use_sandbox": true,
		}}, nil)
	if err != nil {
		return err
	}
	b.stats.ProviderConfigs++
	var list struct {
		Result struct {
			Data []struct {
				EntityID string `json:"entityId"`
				Name     string `json:"name"`
			} `json:"data"`
		} `json:"result"`
	}
	if err := b.call("GET", credBase+"?page_size=100", nil, &list); err != nil {
		return err
	}
	mapped := 0
	for _, cr := range list.Result.Data {
		if mapped == 4 || !strings.Contains(cr.Name, "Certificate") {
			continue
		}
		b.at(b.daysAgo(70 - 5*mapped))
		body := map[string]any{"credential_id": cr.EntityID, "provider_name": "accredible",
			"external_template_id": fmt.Sprint(b.f.IntRange(1000000, 9999999)), "metadata": map[string]any{"synced": true}}
		if mapped > 0 {
			body["group_id"] = fmt.Sprint(b.f.IntRange(100000, 999999))
		}
		if err := b.call("POST", credBase+"external-mapping/", body, nil); err != nil {
			return err
		}
		mapped++
	}
	b.stats.ExternalMappings = mapped
	return nil
}
