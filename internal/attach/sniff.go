package attach

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"strings"
)

// The types attach can recognise from the bytes.
const (
	TypePDF  = "application/pdf"
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeWebP = "image/webp"
	TypeODT  = "application/vnd.oasis.opendocument.text"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)

// AllTypes are every type Sniff recognises.
var AllTypes = []string{TypePDF, TypeJPEG, TypePNG, TypeWebP, TypeODT, TypeDOCX}

var extensions = map[string]string{TypePDF: ".pdf", TypeJPEG: ".jpg", TypePNG: ".png", TypeWebP: ".webp", TypeODT: ".odt",
	TypeDOCX: ".docx"}

// Sniff names the type of data, if it is one of AllTypes. PDF, JPEG, PNG
// and WebP by their signatures (the WHATWG sniffing of net/http); ODT and
// DOCX are ZIP archives told apart by their contents: an ODT by its first
// entry "mimetype" (stored, as ODF requires) naming the text type; a DOCX by
// "[Content_Types].xml" declaring a word-processing main document (a
// macro-enabled one is refused) and having "word/document.xml". Any other
// archive, an executable or a script is not recognised.
func Sniff(data []byte) (string, bool) {
	switch t := http.DetectContentType(data); {
	case strings.HasPrefix(t, TypePDF):
		return TypePDF, true
	case t == TypeJPEG, t == TypePNG, t == TypeWebP:
		return t, true
	case t == "application/zip":
		return sniffZip(data)
	}
	return "", false
}

const maxContentTypesXML = 1 << 20

func sniffZip(data []byte) (string, bool) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil || len(zr.File) == 0 {
		return "", false
	}
	if first := zr.File[0]; first.Name == "mimetype" && first.Method == zip.Store {
		b, ok := readEntry(first, 256)
		if ok && string(b) == TypeODT {
			return TypeODT, true
		}
		return "", false
	}
	var types []byte
	document, macros := false, false
	for _, f := range zr.File {
		switch {
		case f.Name == "[Content_Types].xml":
			b, ok := readEntry(f, maxContentTypesXML)
			if !ok {
				return "", false
			}
			types = b
		case f.Name == "word/document.xml":
			document = true
		case strings.HasSuffix(strings.ToLower(f.Name), "vbaproject.bin"):
			macros = true
		}
	}
	if document && !macros && bytes.Contains(types, []byte("wordprocessingml.document.main+xml")) &&
		!bytes.Contains(types, []byte("macroEnabled")) {
		return TypeDOCX, true
	}
	return "", false
}

func readEntry(f *zip.File, max int64) ([]byte, bool) {
	if f.UncompressedSize64 > uint64(max) {
		return nil, false
	}
	rc, err := f.Open()
	if err != nil {
		return nil, false
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil || int64(len(b)) > max {
		return nil, false
	}
	return b, true
}
