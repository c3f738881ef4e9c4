package web

import (
	"bytes"
	"compress/gzip"
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
	gz    []byte // body gzipped once at start, for text types; nil for others
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
		a := asset{body: b, hash: hex.EncodeToString(sum[:])[:12], ctype: ct}
		if compressible(ct) {
			a.gz = gzipped(b)
		}
		m[strings.TrimPrefix(p, "static/")] = a
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
	body := a.body
	if a.gz != nil {
		w.Header().Set("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			w.Header().Set("Content-Encoding", "gzip")
			body = a.gz
		}
	}
	w.Header().Set("ETag", `"`+a.hash+`"`)
	if hash == a.hash {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "javascript") || strings.Contains(ctype, "json") || strings.Contains(ctype, "svg")
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

// acceptsGzip: the request's Accept-Encoding lists gzip without q=0.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
