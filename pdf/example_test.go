package pdf_test

import (
	"fmt"

	"github.com/ozgcloud/desktop/pdf"
)

// A one-page document is written, read back, and given a title in an incremental
// update, which leaves the original bytes (and a signature over them) untouched.
func Example() {
	w := pdf.NewWriter("1.4")
	catalog, pages, page := w.Alloc(), w.Alloc(), w.Alloc()
	content := w.Alloc()
	w.WriteStream(content, nil, []byte("BT /F1 12 Tf 72 720 Td (Bescheid) Tj ET"))
	w.Write(page, pdf.NewDict("Type", pdf.Name("Page"), "Parent", pages, "Contents", content,
		"MediaBox", pdf.Array{pdf.Integer(0), pdf.Integer(0), pdf.Real(595.28), pdf.Real(841.89)}))
	w.Write(pages, pdf.NewDict("Type", pdf.Name("Pages"), "Kids", pdf.Array{page}, "Count", pdf.Integer(1)))
	w.Write(catalog, pdf.NewDict("Type", pdf.Name("Catalog"), "Pages", pages))
	doc, err := w.Finish(pdf.NewDict("Root", catalog))
	if err != nil {
		fmt.Println(err)
		return
	}

	f, err := pdf.Read(doc)
	if err != nil {
		fmt.Println(err)
		return
	}
	u, err := f.NewUpdate()
	if err != nil {
		fmt.Println(err)
		return
	}
	info := u.Alloc()
	u.Set(info, pdf.NewDict("Title", pdf.String("Bescheid HST-2026-0001-A7")))
	updated := u.Bytes()

	n, err := pdf.PageCount(updated)
	fmt.Println(n, err, string(updated[:len(doc)]) == string(doc))
	// Output: 1 <nil> true
}
