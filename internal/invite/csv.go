package invite

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Limits of an uploaded CSV file. 10,000 rows of realistic data are about 0.5 MB.
const (
	MaxCSVBytes = 4 << 20
	MaxCSVRows  = 20_000
)

// CSVHeader is the header line of the downloadable template.
const CSVHeader = "email,name,role,team"

// Template is the downloadable CSV template.
func Template() string {
	return CSVHeader + "\r\nann@example.com,Ann Example,member,Sales\r\n"
}

// ParseCSV reads an invite CSV: a header naming the columns (email required; name, role,
// team optional; any order, any case), then one row per person. It strips a UTF-8 BOM,
// accepts CRLF or LF, quoted fields, and spaces around values; it skips blank lines.
// Each candidate carries the line number where its record starts. Files over MaxCSVBytes
// or MaxCSVRows are refused with ErrFileTooLarge.
func ParseCSV(r io.Reader) ([]Candidate, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxCSVBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxCSVBytes {
		return nil, fmt.Errorf("%w: at most %d MB and %d rows", ErrFileTooLarge, MaxCSVBytes>>20, MaxCSVRows)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if i := firstUnclean(data); i >= 0 {
		return nil, fmt.Errorf("%w: line %d is not UTF-8 text or holds a NUL character; save the file as \"CSV UTF-8\"",
			ErrBadCSV, 1+bytes.Count(data[:i], []byte("\n")))
	}
	cr := csv.NewReader(bufio.NewReader(bytes.NewReader(data)))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, ErrEmptyFile
	}
	if err != nil {
		return nil, csvError(err)
	}
	cols, err := columns(header)
	if err != nil {
		return nil, err
	}
	var out []Candidate
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		c := Candidate{Line: line, Email: field(rec, cols["email"]), Name: field(rec, cols["name"]),
			Role: field(rec, cols["role"]), Team: field(rec, cols["team"])}
		if c.Email == "" && c.Name == "" && c.Role == "" && c.Team == "" {
			continue
		}
		if len(out) == MaxCSVRows {
			return nil, fmt.Errorf("%w: at most %d rows", ErrFileTooLarge, MaxCSVRows)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, ErrEmptyFile
	}
	return out, nil
}

// firstUnclean is the offset of the first NUL byte or invalid UTF-8 sequence in data, or -1.
func firstUnclean(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == 0 || (r == utf8.RuneError && size <= 1) {
			return i
		}
		i += size
	}
	return -1
}

// columns maps the known header names to their positions (-1 = absent).
func columns(header []string) (map[string]int, error) {
	cols := map[string]int{"email": -1, "name": -1, "role": -1, "team": -1}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if pos, known := cols[h]; known && pos < 0 {
			cols[h] = i
		}
	}
	if cols["email"] < 0 {
		return nil, ErrBadHeader
	}
	return cols, nil
}

func field(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// csvError turns a parser error into ErrBadCSV with the line it happened on.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%w: line %d: %v", ErrBadCSV, pe.Line, pe.Err)
	}
	return fmt.Errorf("%w: %v", ErrBadCSV, err)
}
