package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed static
var staticFS embed.FS

const staticPrefix = "/static/"

type asset struct {
	body  []byte
	hash  string // the first 12 hex digits of its SHA-256
	ctype string
}

// assets are the embedded static files by name ("style.css",
// "graphiql/graphiql.min.js"), hashed once at start.
var assets = func() map[string]asset {
	m := map[string]asset{}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		m[strings.TrimPrefix(p, "static/")] = asset{body: b, hash: hex.EncodeToString(sum[:])[:12], ctype: ct}
		return nil
	})
	if err != nil {
		panic(err)
	}
	return m
}()

// staticURL is name's address with its content hash in the path, so that a
// new version has a new address and every version can be cached for good.
func staticURL(name string) string {
	a, ok := assets[name]
	if !ok {
		panic("web: no static file " + name)
	}
	return staticPrefix + a.hash + "/" + name
}

// serveStatic answers /static/<hash>/<name>: cached for a year when the hash
// is the current one; an old or missing hash gets the current file with an
// ETag and revalidation (a page cached before a deploy still works).
func serveStatic(w http.ResponseWriter, r *http.Request) {
	hash, name, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, staticPrefix), "/")
	a, found := assets[name]
	if !ok || !found {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.ctype)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("ETag", `"`+a.hash+`"`)
	if hash == a.hash {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}
