// Package migrations holds the SQL migrations embedded in the binary.
package migrations

import "embed"

// FS holds the numbered tern migrations (NNN_name.sql).
//
//go:embed *.sql
var FS embed.FS
