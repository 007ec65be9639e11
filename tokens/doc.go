// Package tokens is the LiveKit token source API for Go: where a client
// gets the server URL and participant token it joins a room with, plus
// decoding, verifying and judging those tokens the way livekit-server does.
//
// The model and its names follow the token source API of LiveKit's client
// SDKs (C++, JS, Swift, Android), so code written against one reads the
// same here:
//
//	SDKs                              tokens
//	TokenSourceFixed                  FixedSource
//	TokenSourceConfigurable           ConfigurableSource
//	TokenRequestOptions               Options
//	TokenSourceResponse               Response
//	literal / endpoint / sandbox      Literal / Endpoint / Sandbox
//	custom                            Custom (and Command)
//	caching decorator                 Caching (NewCaching)
//
// # Fixed and configurable sources
//
// A FixedSource always yields the same Response and takes no options:
// Literal, a server URL and token you already have. A ConfigurableSource
// takes Options (room name, participant name, identity, metadata,
// attributes, agent name, metadata and deployment; all optional) and yields a
// token made for them. IgnoreOptions lets a fixed source stand where a
// configurable one is expected.
//
// # The sources
//
//   - Literal: a fixed URL and token; an empty one is an error (ErrEmptyURL,
//     ErrEmptyToken).
//   - Endpoint: POSTs the options as the standard snake_case JSON request
//     (see RequestBody) to your token server and reads
//     {"server_url","participant_token"} back (see ParseResponse; camelCase
//     is accepted too). Headers (e.g. Authorization), method and timeout
//     are configurable; a non-2xx answer is an *HTTPError.
//   - Sandbox: the same protocol against LiveKit Cloud's sandbox
//     (development) token server, identified by its sandbox ID. The server
//     invents a room and identity when the options leave them out, so pin
//     them or cache the response to stay in one room.
//   - Custom: your own function from Options to Response.
//   - Command: a shell command as a custom source: request JSON on stdin,
//     response JSON on stdout, the terminal's way to plug in any script.
//   - Mint: signs tokens locally with an API key and secret, as a token
//     server would; for development servers, tests and bots that hold the
//     secret.
//   - Caching: wraps any configurable source and reuses its last response
//     while it is still good (below).
//
// NewHandler is the other side of Endpoint: an http.Handler that answers
// the standard token request by minting, for a browser or mobile frontend
// during development.
//
// # Caching
//
// NewCaching wraps a ConfigurableSource the way the SDKs' caching decorator
// does, with the strictest SDK's (C++) rules. A cached response is reused
// only when all of these hold:
//
//   - the options equal the cached ones field by field, attributes compared
//     by value (Options.Equal; a nil map equals an empty one);
//   - the cached token decodes;
//   - its nbf, if any, is not in the future;
//   - its exp is more than 60 s away. A token without exp is reused forever.
//
// Anything else fetches again. The cache is written only after a successful
// fetch, so a failure leaves the previous entry in place. Invalidate drops
// the entry: call it when the server refused the token (for example after a
// revoked key), so that the next fetch goes upstream. Concurrent fetches
// with equal options share one upstream request.
//
// # Decoding and validity
//
// Decode parses a compact JWT without a secret into a *Token: the header,
// the raw claims, the LiveKit grants (identity, name, metadata, attributes,
// video grant, room config, …) and the registered times. Verify checks the
// HS256 signature with a secret. Check answers one question: would
// livekit-server v1.13.5 let this token join right now? Its Validity mirrors
// the server's rules, and is tested against the real server:
//
//   - the signature is HS256 with the secret of the API key in iss (with no
//     secret at hand it is assumed good, and Validity.Signature says
//     "unverified");
//   - exp and nbf are judged with the server's leeway of one minute
//     (ServerLeeway): a token that expired 40 s ago is still accepted;
//     a token without exp is accepted;
//   - a join needs video.roomJoin, a room in video.room and an identity
//     (sub, or jti when sub is empty), within the server's size limits.
//
// Validity.Valid is that verdict. The cache's reuse rule is deliberately
// stricter: a token that Check calls valid is not reused by Caching once it
// has less than 60 s left, because it could expire before the join
// completes, and the server's leeway is not something to rely on.
// NewReport lays a token and its verdict out as the JSON object that
// `lkdash decode --json` prints.
//
// # Asking the server
//
// Check is a mirror of the server's rules; AskServer asks the server itself
// (GET /rtc/validate) whether it would accept a token, without joining, and
// Compare sets the two verdicts side by side. Check judges at the time it
// is given; ClockProbe measures how far this machine's clock is from the
// server's (from the Date headers of a few requests), so a token can be
// judged in the server's time: ClockOffset.ServerNow.
//
// Diff compares two tokens claim by claim, which is how a refreshed token
// pushed by the server (see package room) is shown against the one it
// replaces. Permissions and AgentDispatches read the grants as the server
// applies them, for display.
package tokens
