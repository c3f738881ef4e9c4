package infopages

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// markdown renders CommonMark with GitHub tables. goldmark's defaults are
// the safety: raw HTML in the text is dropped ("<!-- raw HTML omitted -->")
// and javascript:/vbscript:/data: link targets are not made links.
var markdown = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify))

// HTML renders a page's Markdown body to HTML that is safe to include.
func HTML(body string) string {
	var b bytes.Buffer
	if err := markdown.Convert([]byte(body), &b); err != nil {
		// Convert fails only when writing to b fails, which a bytes.Buffer does not.
		return ""
	}
	return b.String()
}
