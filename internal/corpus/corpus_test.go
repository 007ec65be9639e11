package corpus

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/tokens from the recipes below")

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func obj(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b64(b)
}

// signed is a JWS of header and claims, HS256 with secret.
func signed(header, claims any, secret string) string {
	si := obj(header) + "." + obj(claims)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(si))
	return si + "." + b64(mac.Sum(nil))
}

// recipes are how each corpus token is made: minted with the dev secret
// ("secret", key "devkey", as livekit-server --dev) unless the name says
// otherwise.
func recipes() map[string]string {
	hs := map[string]any{"alg": "HS256", "typ": "JWT"}
	claims := func(extra map[string]any, drop ...string) map[string]any {
		c := map[string]any{"iss": "devkey", "sub": "alice", "iat": 1796000000, "nbf": 1796000000, "exp": 1796003600,
			"video": map[string]any{"room": "demo", "roomJoin": true}}
		for k, v := range extra {
			c[k] = v
		}
		for _, k := range drop {
			delete(c, k)
		}
		return c
	}
	esc := "\x1b]52;c;ZXZpbA==\x07\x1b[2J\u202e"
	return map[string]string{
		"valid":               signed(hs, claims(nil), "secret"),
		"bearer-prefix":       "Bearer " + signed(hs, claims(nil), "secret"),
		"wrong-secret":        signed(hs, claims(nil), "not-the-secret"),
		"no-exp":              signed(hs, claims(nil, "exp"), "secret"),
		"alg-none":            obj(map[string]any{"alg": "none"}) + "." + obj(claims(nil)) + ".",
		"quoted-times":        signed(hs, claims(map[string]any{"exp": "1796003600"}), "secret"),
		"video-is-a-string":   signed(hs, claims(map[string]any{"video": "demo"}), "secret"),
		"hostile-claims":      signed(hs, claims(map[string]any{"sub": esc + "alice", "name": esc, "metadata": `{"x":"` + "\\u001b[2J" + `"}`, "attributes": map[string]string{esc: esc}, "video": map[string]any{"room": esc, "roomJoin": true}}), "secret"),
		"two-segments":        obj(hs) + "." + obj(claims(nil)),
		"jwe-five-segments":   "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d",
		"not-base64":          "e!J.eyJ9.sig",
		"header-not-json":     b64([]byte("hello")) + "." + obj(claims(nil)) + ".sig",
		"payload-is-an-array": obj(hs) + "." + b64([]byte("[1,2,3]")) + ".sig",
		"empty":               "",
	}
}

// TestTokenCorpusIsMade: the files are what the recipes make (run with
// -update after changing one).
func TestTokenCorpusIsMade(t *testing.T) {
	dir := filepath.Join(Dir(t), "tokens")
	want := recipes()
	if *update {
		files, _ := filepath.Glob(filepath.Join(dir, "*.jwt"))
		for _, f := range files {
			os.Remove(f)
		}
		for name, raw := range want {
			if raw != "" {
				raw += "\n"
			}
			if err := os.WriteFile(filepath.Join(dir, name+".jwt"), []byte(raw), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	got := Tokens(t)
	if len(got) != len(want) {
		t.Errorf("%d tokens in %s, %d recipes", len(got), dir, len(want))
	}
	for _, tok := range got {
		if r, ok := want[tok.Name]; !ok || r != tok.Raw {
			t.Errorf("%s.jwt is not what its recipe makes (go test ./internal/corpus -update)", tok.Name)
		}
	}
}

func TestHostileStrings(t *testing.T) {
	h := Hostile(t)
	if len(h) < 5 {
		t.Fatalf("hostile.json has %d strings", len(h))
	}
	for _, s := range h {
		clean := true
		for _, r := range s {
			if r < 0x20 || (r >= 0x7f && r < 0xa0) || r == '\u202e' {
				clean = false
			}
		}
		if clean {
			t.Errorf("%q is not hostile", s)
		}
	}
}
