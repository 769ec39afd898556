package fake

import "testing"

// TestURLFormat pins urlFormat to Django's URLValidator on the cases that
// tell it apart from a plain url.Parse.
func TestURLFormat(t *testing.T) {
	t.Parallel()
	cases := map[string]bool{
		"":                                 true, // blank: see urlFormat
		"https://acme.test/welcome":        true,
		"HTTP://Acme.Example.COM":          true,
		"https://acme.example.com./x?y#z":  true,
		"ftp://files.example.org/a.txt":    true,
		"http://localhost:3000/cb":         true,
		"http://127.0.0.1/":                true,
		"http://[::1]:8080/":               true,
		"https://user:pw@acme.test/":       true,
		"https://xn--80ak6aa92e.xn--p1ai/": true,
		"https://münchen.de/":              true,
		"https://a-b.co":                   true,
		"not a url":                        false,
		"javascript:alert(1)":              false,
		"mailto:a@b.co":                    false,
		"//acme.test/x":                    false,
		"file:///etc/passwd":               false,
		"https://acme":                     false, // no TLD
		"https://acme.t":                   false, // one-letter TLD
		"https://acme.c0m":                 false, // digits in the TLD
		"https://-acme.test":               false,
		"https://acme-.test":               false,
		"https://acme.test:99999/":         false,
		"https://acme.test:/":              false,
		"https://acme.test/a b":            false,
		"https://[::1/":                    false,
		"https://[fe80::1%25eth0]/":        false,
		"https://:pw@acme.test/":           false,
		"https://999.1.1.1/":               false,
		"https://acme..test/":              false,
	}
	for v, want := range cases {
		if got := (urlFormat{}).Validate(v) == nil; got != want {
			t.Errorf("%q: valid=%v, want %v", v, got, want)
		}
	}
}
