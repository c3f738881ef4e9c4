// Command catalog2files moves messages written as Go maps into the locale
// files translators edit (internal/i18n/locales/*.toml):
//
//	go run ./scripts/catalog2files internal/i18n/catalog_x.go [more.go …]
//
// Each file's calls add(PL|UK|EN|RU, map[string]string{"key": "text", …})
// are read; every key joins its locale's file, the files stay sorted, and a
// key already there with a different text is refused (nothing is written).
// Delete the Go files afterwards. It is how messages written on a branch
// that began before the files existed reach them.
package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

const dir = "internal/i18n/locales"

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: go run ./scripts/catalog2files file.go …")
		os.Exit(2)
	}
	add := map[string]map[string]string{} // locale → key → text
	for _, path := range os.Args[1:] {
		if err := read(path, add); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	for locale, msgs := range add {
		if err := merge(filepath.Join(dir, locale+".toml"), msgs); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("%s: %d messages\n", locale, len(msgs))
	}
}

// read collects the add(LOCALE, map[string]string{…}) calls of a Go file.
func read(path string, out map[string]map[string]string) error {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		return err
	}
	var failed error
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 2 {
			return true
		}
		if fn, ok := call.Fun.(*ast.Ident); !ok || fn.Name != "add" {
			return true
		}
		loc, ok := call.Args[0].(*ast.Ident)
		lit, ok2 := call.Args[1].(*ast.CompositeLit)
		if !ok || !ok2 {
			return true
		}
		locale := strings.ToLower(loc.Name)
		if out[locale] == nil {
			out[locale] = map[string]string{}
		}
		for _, e := range lit.Elts {
			kv := e.(*ast.KeyValueExpr)
			k, err1 := strconv.Unquote(kv.Key.(*ast.BasicLit).Value)
			v, err2 := strconv.Unquote(kv.Value.(*ast.BasicLit).Value)
			if err1 != nil || err2 != nil {
				failed = fmt.Errorf("%s: a message that is not a plain string", path)
				return false
			}
			out[locale][k] = v
		}
		return true
	})
	return failed
}

// merge adds msgs to a locale file: its header comment and plural tables
// stay, its one-line messages are sorted with the new ones.
func merge(path string, msgs map[string]string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	lines := strings.Split(string(data), "\n")
	var header []string
	flat := map[string]string{} // key → the whole line
	rest := ""
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "["):
			rest = strings.Join(lines[i:], "\n")
		case strings.HasPrefix(l, `"`):
			key, err := strconv.Unquote(l[:strings.Index(l, `" =`)+1])
			if err != nil {
				return fmt.Errorf("%s: %q: %w", path, l, err)
			}
			flat[key] = l
			continue
		case len(flat) == 0:
			header = append(header, l)
			continue
		default:
			continue
		}
		break
	}
	for k, v := range msgs {
		line := strconv.Quote(k) + " = " + tomlString(v)
		if old, ok := flat[k]; ok && old != line {
			return fmt.Errorf("%s: %s is there with another text; change it in the file", path, k)
		}
		flat[k] = line
	}
	keys := make([]string, 0, len(flat))
	for k := range flat {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(strings.TrimRight(strings.Join(header, "\n"), "\n") + "\n\n")
	for _, k := range keys {
		b.WriteString(flat[k] + "\n")
	}
	if rest != "" {
		b.WriteString("\n" + rest)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func tomlString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`)
	return `"` + r.Replace(s) + `"`
}
