package dockerfile

import "testing"

func TestExpandArgs(t *testing.T) {
	args := map[string]argDefault{
		"TAG":    {value: "1.2", hasDefault: true},
		"EMPTY":  {value: "", hasDefault: true},
		"NODEF":  {},
		"DISTRO": {value: "alpine", hasDefault: true},
	}
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"golang:$TAG", "golang:1.2", true},
		{"golang:${TAG}-alpine", "golang:1.2-alpine", true},
		{"${DISTRO}:${TAG}", "alpine:1.2", true},
		{"x:${EMPTY:-latest}", "x:latest", true},
		{"x:${EMPTY-latest}", "x:", true},
		{"x:${UNDECLARED:-3}", "x:3", true},
		{"x:${NODEF:-3}", "", false}, // --build-arg decides
		{"x:$NODEF", "", false},
		{"x:$UNDECLARED", "", false},
		{"x${TAG:+:pinned}", "x:pinned", true},
		{"x:${TAG%.*}", "", false},
		{"x:${TAG", "", false},
		{`x:\$TAG`, "x:$TAG", true},
		{"$", "$", true}, // a lone dollar is literal
	}
	for _, tt := range tests {
		got, ok := expandArgs(tt.in, args)
		if got != tt.want || ok != tt.ok {
			t.Errorf("expandArgs(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseImageRef(t *testing.T) {
	tests := []struct{ in, name, tag, digest string }{
		{"ubuntu", "ubuntu", "", ""},
		{"ubuntu:22.04", "ubuntu", "22.04", ""},
		{"registry:5000/team/app", "registry:5000/team/app", "", ""},
		{"registry:5000/team/app:v1@sha256:ab", "registry:5000/team/app", "v1", "sha256:ab"},
		{"app@sha256:ab", "app", "", "sha256:ab"},
	}
	for _, tt := range tests {
		if got := parseImageRef(tt.in); got != (imageRef{tt.name, tt.tag, tt.digest}) {
			t.Errorf("parseImageRef(%q) = %+v", tt.in, got)
		}
	}
}

func TestWorldWritableMode(t *testing.T) {
	for mode, want := range map[string]bool{
		"777": true, "0777": true, "666": true, "2777": true, "0002": true, "a+rwx": true, "o+w": true,
		"ugo=rwx": true, "u+x,o+w": true, "1777": false, "755": false, "0644": false, "+w": false,
		"u+w": false, "g+w": false, "a+t": false, "o+wt": false, "a-w": false, "x": false, "$MODE": false,
	} {
		if got := worldWritableMode(mode); got != want {
			t.Errorf("worldWritableMode(%q) = %v, want %v", mode, got, want)
		}
	}
}

func TestIsSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"DB_PASSWORD": true, "AWS_SECRET_ACCESS_KEY": true, "GITHUB_TOKEN": true, "NPM_TOKEN": true,
		"API_KEY": true, "apiKey": true, "PRIVATE_KEY": true, "CLIENT_SECRET": true, "SECRET_KEY_BASE": true,
		"db-passwd": true, "GPG_PASSPHRASE": true,
		"TOKENIZERS_PARALLELISM": false, "PASSWORD_FILE": false, "TOKEN_URL": false, "GPG_KEY": false,
		"AWS_ACCESS_KEY_ID": false, "SECRET_NAME": false, "PWD": false, "KEY": false, "PASSENGER_APP_ENV": false,
	} {
		if got := isSecretName(name); got != want {
			t.Errorf("isSecretName(%q) = %v, want %v", name, got, want)
		}
	}
}
