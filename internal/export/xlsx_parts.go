package export

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The parts of the package (SpreadsheetML, ECMA-376) an XLSX export is made of: its sheets,
// one table over each, the styles their cells use.
const (
	xmlDecl = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	nsMain  = `http://schemas.openxmlformats.org/spreadsheetml/2006/main`
	nsRels  = `http://schemas.openxmlformats.org/package/2006/relationships`
	relType = `http://schemas.openxmlformats.org/officeDocument/2006/relationships/`
	ctType  = `application/vnd.openxmlformats-officedocument.spreadsheetml.`
)

// Cell styles: indexes into cellXfs of stylesPart (0 is the default).
const (
	styleHeader = ` s="1"`
	styleMoney  = ` s="2"`
	styleTime   = ` s="3"`
)

type part struct {
	name string
	body []byte
}

// Paths of sheet n's parts (from 1).
func sheetFile(n int) string     { return "sheet" + strconv.Itoa(n) + ".xml" }
func tableFile(n int) string     { return "table" + strconv.Itoa(n) + ".xml" }
func sheetPath(n int) string     { return "xl/worksheets/" + sheetFile(n) }
func sheetRelsPath(n int) string { return "xl/worksheets/_rels/" + sheetFile(n) + ".rels" }
func tablePath(n int) string     { return "xl/tables/" + tableFile(n) }

// leadingParts are the parts that do not depend on the rows, written before the first sheet.
func (x *xlsxWriter) leadingParts() []part {
	types := []byte(xmlDecl + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="` + ctType + `sheet.main+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="` + ctType + `styles+xml"/>`)
	// The workbook's relationships: rId1…rIdN its sheets, then the styles.
	var rels []string
	for n := 1; n <= len(x.sheets); n++ {
		types = append(types, `<Override PartName="/`+sheetPath(n)+`" ContentType="`+ctType+`worksheet+xml"/>`+
			`<Override PartName="/`+tablePath(n)+`" ContentType="`+ctType+`table+xml"/>`...)
		rels = append(rels, relType+"worksheet", "worksheets/"+sheetFile(n))
	}
	rels = append(rels, relType+"styles", "styles.xml")
	return []part{
		{"[Content_Types].xml", append(types, "</Types>"...)},
		{"_rels/.rels", relationships(relType+"officeDocument", "xl/workbook.xml")},
		{"xl/workbook.xml", x.workbookPart()},
		{"xl/_rels/workbook.xml.rels", relationships(rels...)},
		{"xl/styles.xml", x.stylesPart()},
	}
}

// relationships is a .rels part whose relationships rId1, rId2… have the given type and
// target pairs.
func relationships(typeTarget ...string) []byte {
	b := []byte(xmlDecl + `<Relationships xmlns="` + nsRels + `">`)
	for i := 0; i < len(typeTarget); i += 2 {
		b = append(b, `<Relationship Id="rId`...)
		b = strconv.AppendInt(b, int64(i/2+1), 10)
		b = append(b, `" Type="`+typeTarget[i]+`" Target="`+typeTarget[i+1]+`"/>`...)
	}
	return append(b, "</Relationships>"...)
}

func (x *xlsxWriter) workbookPart() []byte {
	b := []byte(xmlDecl + `<workbook xmlns="` + nsMain + `" xmlns:r="` + relType[:len(relType)-1] + `">` +
		`<bookViews><workbookView/></bookViews><sheets>`)
	for i, name := range x.sheets {
		id := strconv.Itoa(i + 1)
		b = append(b, `<sheet name="`...)
		b = appendXMLText(b, name)
		b = append(b, `" sheetId="`+id+`" r:id="rId`+id+`"/>`...)
	}
	return append(b, `</sheets></workbook>`...)
}

// stylesPart holds the cell styles: default, bold header, money (the company currency's
// format) and date-time. Custom number formats have ids from 164 on.
func (x *xlsxWriter) stylesPart() []byte {
	const font = `<sz val="11"/><name val="Calibri"/><family val="2"/></font>`
	const xf = `fillId="0" borderId="0" xfId="0"`
	b := []byte(xmlDecl + `<styleSheet xmlns="` + nsMain + `"><numFmts count="2"><numFmt numFmtId="164" formatCode="`)
	b = appendXMLText(b, currencyFormat(x.opts.Currency))
	return append(b, `"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>`+
		`<fonts count="2"><font>`+font+`<font><b/>`+font+`</fonts>`+
		`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>`+
		`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>`+
		`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>`+
		`<cellXfs count="4"><xf numFmtId="0" fontId="0" `+xf+`/>`+
		`<xf numFmtId="0" fontId="1" `+xf+` applyFont="1"/>`+
		`<xf numFmtId="164" fontId="0" `+xf+` applyNumberFormat="1"/>`+
		`<xf numFmtId="165" fontId="0" `+xf+` applyNumberFormat="1"/></cellXfs>`+
		`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`...)
}

// appendSheetStart appends the worksheet up to its first row: the frozen header row and
// the column widths.
func appendSheetStart(b []byte, cols []Column) []byte {
	b = append(b, xmlDecl+`<worksheet xmlns="`+nsMain+`" xmlns:r="`+relType[:len(relType)-1]+`">`+
		`<sheetViews><sheetView workbookViewId="0">`+
		`<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>`+
		`<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>`+
		`<sheetFormatPr defaultRowHeight="15"/><cols>`...)
	for i, c := range cols {
		width := "24"
		switch c.Kind {
		case Money, Number:
			width = "14"
		case Time:
			width = "20"
		}
		n := strconv.Itoa(i + 1)
		b = append(b, `<col min="`+n+`" max="`+n+`" width="`+width+`" customWidth="1"/>`...)
	}
	return append(b, "</cols><sheetData>"...)
}

// sheetEnd closes a worksheet and points at its table (rId1 of the sheet's .rels).
const sheetEnd = `</sheetData><tableParts count="1"><tablePart r:id="rId1"/></tableParts></worksheet>`

// tablePart makes the written range an Excel table: filter buttons on the header and
// banded rows, which spreadsheet users expect of a list. A table needs two rows at least.
func (x *xlsxWriter) tablePart() []byte {
	ref := "A1:" + x.refs[len(x.refs)-1] + strconv.Itoa(max(x.row, 2))
	name := tableName(x.sheets[x.n-1])
	b := []byte(xmlDecl + `<table xmlns="` + nsMain + `" id="` + strconv.Itoa(x.n) + `" name="` + name + `" displayName="` + name +
		`" ref="` + ref + `"><autoFilter ref="` + ref + `"/><tableColumns count="` + strconv.Itoa(len(x.cols)) + `">`)
	for i, c := range x.cols {
		b = append(b, `<tableColumn id="`+strconv.Itoa(i+1)+`" name="`...)
		b = appendXMLText(b, Neutralize(x.header(c)))
		b = append(b, `"/>`...)
	}
	return append(b, `</tableColumns><tableStyleInfo name="TableStyleLight9" showFirstColumn="0" showLastColumn="0" showRowStripes="1" showColumnStripes="0"/></table>`...)
}

// columnName is the letters of column n (1 = A, 27 = AA).
func columnName(n int) string {
	var b []byte
	for ; n > 0; n = (n - 1) / 26 {
		b = append([]byte{byte('A' + (n-1)%26)}, b...)
	}
	return string(b)
}

// sheetName is name made valid as an Excel sheet name: "Export" when empty, at most 31
// characters, none of : \ / ? * [ ] and no apostrophe at either end.
func sheetName(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '_'
		}
		return r
	}, name)
	if runes := []rune(name); len(runes) > 31 {
		name = string(runes[:31])
	}
	name = strings.Trim(name, "'")
	if name == "" {
		return "Export"
	}
	return name
}

// cellReference matches names Excel reads as a cell (B12) or R1C1 reference, which a
// table may not be named.
var cellReference = regexp.MustCompile(`^([A-Za-z]{1,3}[0-9]+|([Rr][0-9]*)?([Cc][0-9]*)?)$`)

// tableName is the sheet name made valid as a table name, as excelize's Table.Name
// requires: letters, digits, '_' and '.', starting with a letter or '_', and not a cell
// reference.
func tableName(sheet string) string {
	name := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, sheet)
	first, _ := utf8.DecodeRuneInString(name)
	if (!unicode.IsLetter(first) && first != '_') || cellReference.MatchString(name) {
		name = "_" + name
	}
	return name
}

// maxCellChars is the most UTF-16 code units a cell holds; Excel refuses longer texts.
const maxCellChars = 32767

// appendXMLText appends s escaped for XML text and attribute values. Characters XML 1.0
// does not allow (control characters other than tab, LF and CR; U+FFFE, U+FFFF) are dropped,
// invalid UTF-8 becomes U+FFFD, "_x0041_" is kept literal (Excel would read it as "A"),
// and the text is cut at Excel's cell limit.
func appendXMLText(b []byte, s string) []byte {
	if len(s) > maxCellChars {
		s = cutUTF16(s, maxCellChars)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '&' && c != '<' && c != '>' && c != '"' && c != '_' {
			b = append(b, c)
			i++
			continue
		}
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		b = appendXMLRune(b, r, s[i:i+size])
		if r == '_' && isEscapeSequence(s[i:]) {
			b = append(b, "x005F_"...)
		}
		i += size
	}
	return b
}

// cutUTF16 is the longest prefix of s that has at most n UTF-16 code units.
func cutUTF16(s string, n int) string {
	units := 0
	for i, r := range s {
		if r >= 0x10000 {
			units++
		}
		if units++; units > n {
			return s[:i]
		}
	}
	return s
}

// appendXMLRune appends rune r (read as raw) escaped for XML, or nothing if XML cannot
// carry it.
func appendXMLRune(b []byte, r rune, raw string) []byte {
	switch r {
	case '&':
		return append(b, "&amp;"...)
	case '<':
		return append(b, "&lt;"...)
	case '>':
		return append(b, "&gt;"...)
	case '"':
		return append(b, "&quot;"...)
	case '\t':
		return append(b, "&#x9;"...)
	case '\n':
		return append(b, "&#xA;"...)
	case '\r':
		return append(b, "&#xD;"...)
	case utf8.RuneError:
		return append(b, "\uFFFD"...)
	case 0xFFFE, 0xFFFF:
		return b
	}
	if r < 0x20 {
		return b
	}
	return append(b, raw...)
}

// isEscapeSequence reports whether s starts with an OOXML character escape, _xHHHH_.
func isEscapeSequence(s string) bool {
	if len(s) < 7 || s[1] != 'x' || s[6] != '_' {
		return false
	}
	for _, c := range []byte(s[2:6]) {
		if !strings.ContainsRune("0123456789abcdefABCDEF", rune(c)) {
			return false
		}
	}
	return true
}
