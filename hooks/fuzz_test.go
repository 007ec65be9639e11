package hooks

import (
	"net/http"
	"testing"
	"time"

	"github.com/livekit/protocol/auth"
)

// FuzzVerify: bodies and Authorization headers come from the network;
// verifying and classifying them must not panic, and nothing but a
// genuine delivery verifies.
func FuzzVerify(f *testing.F) {
	s, err := Sign(testEvent(), testKey, testSecret)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(s.Body, s.Authorization)
	f.Add([]byte(`{"event":"room_started"}`), "Bearer x.y.z")
	f.Add([]byte{0xff, 0x00}, "")
	v := verifier{key: testKey, provider: auth.NewSimpleKeyProvider(testKey, testSecret), now: time.Now}
	f.Fuzz(func(t *testing.T, body []byte, authz string) {
		d := Delivery{Body: body}
		v.verify(&d, http.Header{"Authorization": {authz}})
		if d.Verified == (d.Cause != "") {
			t.Errorf("verified %v with cause %q", d.Verified, d.Cause)
		}
		if d.Verified && (authz != s.Authorization || string(body) != string(s.Body)) {
			t.Errorf("a delivery other than the genuine one verified: %q %q", body, authz)
		}
	})
}
