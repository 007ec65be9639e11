package cli

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/lkdash/lkdash/internal/netguard"
	"github.com/lkdash/lkdash/tokens"
)

// authTokenEnv holds the serve auth token, so it stays out of shell
// history and process listings.
const authTokenEnv = "LKDASH_AUTH_TOKEN"

// minAuthToken is the shortest auth token serve accepts: a guessable one
// on a network bind is no guard.
const minAuthToken = 16

// serveGuard is what serve lets in and what it signs: the flags beyond the
// credentials.
type serveGuard struct {
	addr             string
	origins          []string
	allowRemote      bool
	remote           bool // addr reaches beyond this machine; set by check
	authToken        string
	room, roomPrefix string
	ttl, maxTTL      time.Duration
	rate             float64
	burst            int
}

func (g *serveGuard) addFlags(fl *pflag.FlagSet) {
	fl.StringVar(&g.addr, "addr", "127.0.0.1:8080", "listen address (loopback unless --allow-remote)")
	fl.StringArrayVar(&g.origins, "allow-origin", nil,
		"also let this browser origin (scheme://host[:port]) read tokens; repeatable; \"*\" allows any page (loopback origins always may)")
	fl.BoolVar(&g.allowRemote, "allow-remote", false, "allow a non-loopback --addr (needs an auth token)")
	fl.StringVar(&g.authToken, "auth-token", "", "require Authorization: Bearer <token> on every request (env "+authTokenEnv+"; prefer the env var)")
	fl.StringVar(&g.room, "room", "", "sign only for this room (and use it when a request names none)")
	fl.StringVar(&g.roomPrefix, "room-prefix", "", "sign only for rooms whose name starts with this")
	fl.DurationVar(&g.ttl, "ttl", time.Hour, "lifetime of minted tokens")
	fl.DurationVar(&g.maxTTL, "max-ttl", 24*time.Hour, "refuse to start with a --ttl above this")
	fl.Float64Var(&g.rate, "rate", tokens.DefaultRate, "requests per second allowed per client address; 0 turns the limit off")
	fl.IntVar(&g.burst, "burst", tokens.DefaultBurst, "requests a client may send at once before --rate applies")
}

// check validates the flags before anything starts. Every refusal is one
// line saying why and what to do instead.
func (g *serveGuard) check() error {
	if g.authToken == "" {
		g.authToken = strings.TrimSpace(env(authTokenEnv))
	}
	remote, err := netguard.RemoteAddr(g.addr)
	if err != nil {
		return usageErrorf("--addr %q: %v", g.addr, err)
	}
	g.remote = remote
	switch {
	case remote && !g.allowRemote:
		return usageErrorf("refusing to listen on %s: it is not a loopback address, so anyone who can reach it could mint tokens signed with your API key; bind 127.0.0.1, or add --allow-remote and an auth token (%s or --auth-token)", g.addr, authTokenEnv)
	case g.allowRemote && g.authToken == "":
		return usageErrorf("--allow-remote needs an auth token that every request must present as Authorization: Bearer <token>: set %s (or --auth-token)", authTokenEnv)
	case g.authToken != "" && len(g.authToken) < minAuthToken:
		return usageErrorf("the auth token is %d characters long; use at least %d random ones (e.g. openssl rand -hex 16)", len(g.authToken), minAuthToken)
	case g.room != "" && g.roomPrefix != "":
		return usageErrorf("--room and --room-prefix cannot be used together")
	case g.maxTTL > 0 && g.ttl > g.maxTTL:
		return usageErrorf("--ttl %s is above --max-ttl %s; raise --max-ttl to sign tokens that long", g.ttl, g.maxTTL)
	case g.rate < 0:
		return usageErrorf("--rate must be 0 (off) or more")
	case g.burst < 1:
		return usageErrorf("--burst must be 1 or more")
	}
	for i, o := range g.origins {
		if o == "*" {
			continue
		}
		n, err := tokens.NormalizeOrigin(o)
		if err != nil {
			return usageErrorf("--allow-origin: %v", err)
		}
		g.origins[i] = n
	}
	return nil
}

// handlerConfig turns the checked flags into the handler's guards.
func (g *serveGuard) handlerConfig(c credentials) tokens.HandlerConfig {
	rate := g.rate
	if rate == 0 {
		rate = -1 // the handler's "off"
	}
	return tokens.HandlerConfig{
		ServerURL: c.url, APIKey: c.key, APISecret: c.secret,
		TTL: g.ttl, MaxTTL: g.maxTTL, Grants: tokens.DefaultGrants(),
		Room: g.room, RoomPrefix: g.roomPrefix,
		AllowOrigins: g.origins, AnyHost: g.remote, AuthToken: g.authToken,
		Rate: rate, Burst: g.burst,
	}
}

// warnings name what is exposed beyond the safe defaults, for stderr.
func (g *serveGuard) warnings(ln net.Addr, c credentials) []string {
	var out []string
	if g.remote {
		rooms := "any room"
		switch {
		case g.room != "":
			rooms = fmt.Sprintf("room %q", g.room)
		case g.roomPrefix != "":
			rooms = fmt.Sprintf("rooms starting with %q", g.roomPrefix)
		}
		out = append(out, fmt.Sprintf("warning: listening on %s, beyond this machine: whoever reaches it with the auth token can mint tokens for %s as any identity, signed with API key %s for %s, each valid %s; requests and tokens travel as plain HTTP, so put TLS in front of it",
			ln, rooms, c.key, c.url, g.ttl))
	}
	for _, o := range g.origins {
		if o == "*" {
			msg := "warning: --allow-origin \"*\": any web page open in your browser can request tokens"
			if g.authToken != "" {
				msg += " (it still needs the auth token)"
			}
			out = append(out, msg)
			break
		}
	}
	return out
}
