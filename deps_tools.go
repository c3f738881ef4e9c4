//go:build tools

// This file pins modules that packages being written still need, so that
// `go mod tidy` keeps them. Remove once every import has a real user.
package otwarty

import (
	_ "github.com/casbin/casbin/v2"
	_ "github.com/gorilla/websocket"
	_ "github.com/riverqueue/river/rivermigrate"
	_ "github.com/vikstrous/dataloadgen"
	_ "golang.org/x/crypto/argon2"
	_ "golang.org/x/text/language"
	_ "golang.org/x/time/rate"
)
