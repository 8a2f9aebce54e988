package cloud_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"os"

	"github.com/ozgcloud/desktop/cloud"
)

// A form server's submission: the formData JSON, the form as PDF, one attachment.
func ExampleParseIntake() {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField(cloud.PartFormData, `{
	  "control": {"transactionId": "tx-4711", "zustaendigeStelle": "ordnungsamt-musterstadt",
	    "leikaIds": ["99050012104000"], "name": "Gewerbeanmeldung",
	    "serviceKonto": {"type": "OSI", "trustLevel": "STORK-QAA-Level-1",
	      "postfachAddress": {"identifier": "4f8e2c1a", "type": 1}}},
	  "formData": [{"name": "betrieb", "label": "Betrieb", "formItems": [
	    {"name": "beschaeftigte", "label": "Beschäftigte", "numberValue": 3}]}]}`)
	pdf, _ := mw.CreateFormFile(cloud.PartRepresentation, "Gewerbeanmeldung.pdf")
	pdf.Write([]byte("%PDF-1.4\n%%EOF\n"))
	att, _ := mw.CreateFormFile(cloud.PartAttachment, "Mietvertrag.pdf")
	att.Write([]byte("%PDF-1.4\n%%EOF\n"))
	mw.Close()

	sub, err := cloud.ParseIntake(&body, mw.FormDataContentType(), cloud.Limits{}, os.TempDir())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sub.Remove() // after Service.Intake has stored the files
	fmt.Println(sub.TransactionID, sub.ZustaendigeStelle, sub.ServiceKonto.Type)
	fmt.Println(sub.Form[0].Items[0].Label+":", sub.Form[0].Items[0].Value)
	fmt.Println(sub.Representation.Name, sub.Representation.Size, sub.Representation.SHA256[:12])
	fmt.Println(len(sub.Attachments), "Anlage")

	// An empty body is refused with a reason for the form server.
	_, err = cloud.ParseIntake(bytes.NewReader(nil), "multipart/form-data; boundary=x", cloud.Limits{}, os.TempDir())
	fmt.Println(err)
	// Output:
	// tx-4711 ordnungsamt-musterstadt OSI
	// Beschäftigte: 3
	// Gewerbeanmeldung.pdf 15 14bcd090baf3
	// 1 Anlage
	// cloud: bad request: Der Teil "formData" fehlt (missing formData part).
}
