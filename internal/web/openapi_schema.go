package web

import (
	"encoding/json"
	"reflect"
	"strings"
	"time"
	"unicode"

	"github.com/pocketbase/pocketbase/tools/types"

	"teamfund/internal/audit"
	"teamfund/internal/figures"
	"teamfund/internal/overview"
)

// schemaSet derives the OpenAPI (JSON Schema 2020-12) schemas of the Go types the
// handlers answer with, so the document cannot drift from what encoding/json writes:
// a struct is an object with exactly its JSON fields (additionalProperties false), each
// field without omitempty required; a nil slice or map may be null, as encoding/json
// writes it. Named structs become components and are referenced.
type schemaSet struct {
	components map[string]any
	names      map[reflect.Type]string
	// inputs describes request bodies: every field optional (a handler's validation says
	// which are needed, with the field's name), unknown fields ignored, as BindBody does;
	// components are named …Input.
	inputs bool
}

func newSchemaSet() *schemaSet {
	return &schemaSet{components: map[string]any{}, names: map[reflect.Type]string{}}
}

// inputSet shares components with s and describes request bodies.
func (s *schemaSet) inputSet() *schemaSet {
	return &schemaSet{components: s.components, names: map[reflect.Type]string{}, inputs: true}
}

// anyJSON is the schema of any JSON value, null included. note: kin-openapi reads {} as
// not nullable, so the types are listed.
func anyJSON() map[string]any {
	return map[string]any{"type": []string{"string", "number", "boolean", "object", "array", "null"}}
}

// special is the schema of a type whose JSON is not its Go shape.
func (s *schemaSet) special(t reflect.Type) (map[string]any, bool) {
	switch t {
	case reflect.TypeOf(time.Time{}):
		return map[string]any{"type": "string", "format": "date-time"}, true
	case reflect.TypeOf(types.DateTime{}):
		return map[string]any{"type": "string"}, true
	case reflect.TypeOf(json.RawMessage{}), reflect.TypeOf(types.JSONRaw{}):
		return anyJSON(), true
	case reflect.TypeOf(audit.Row{}):
		return s.ref(t, s.auditRow), true
	case reflect.TypeOf(decimalText("")):
		return map[string]any{"type": []string{"string", "integer"}, "description": "Minor units, or a decimal text such as \"12.34\"."}, true
	}
	return nil, false
}

// auditRowSchema: audit.Row writes before/after as JSON values (its MarshalJSON).
func (s *schemaSet) auditRow() map[string]any {
	obj := s.object(reflect.TypeOf(audit.Row{}))
	props := obj["properties"].(map[string]any)
	props["before"], props["after"] = anyJSON(), anyJSON()
	obj["required"] = append(obj["required"].([]string), "before", "after")
	return obj
}

// of is the schema of v's type (a $ref for a named struct).
func (s *schemaSet) of(v any) map[string]any { return s.schema(reflect.TypeOf(v)) }

func (s *schemaSet) schema(t reflect.Type) map[string]any {
	if sch, ok := s.special(t); ok {
		return sch
	}
	switch t.Kind() {
	case reflect.Pointer:
		return map[string]any{"anyOf": []any{s.schema(t.Elem()), map[string]any{"type": "null"}}}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string"}
		}
		return map[string]any{"type": []string{"array", "null"}, "items": s.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": []string{"object", "null"}, "additionalProperties": s.schema(t.Elem())}
	case reflect.Struct:
		if t.Name() == "" || strings.Contains(t.Name(), "[") {
			return s.object(t)
		}
		return s.ref(t, func() map[string]any { return s.object(t) })
	}
	return anyJSON() // interfaces
}

// ref registers t's schema as a component once and refers to it.
func (s *schemaSet) ref(t reflect.Type, build func() map[string]any) map[string]any {
	name, ok := s.names[t]
	if !ok {
		name = componentName(t)
		if s.inputs && !strings.HasSuffix(name, "Input") {
			name += "Input"
		}
		for taken := true; taken; {
			_, taken = s.components[name]
			if taken {
				name += "_"
			}
		}
		s.names[t] = name
		s.components[name] = map[string]any{} // placeholder for recursive types
		s.components[name] = build()
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// componentNames name the components whose Go names say little outside their package.
var componentNames = map[reflect.Type]string{
	reflect.TypeOf(rowJSON{}):           "InviteCSVRow",
	reflect.TypeOf(keyJSON{}):           "InviteKey",
	reflect.TypeOf(figures.Statement{}): "Statement",
	reflect.TypeOf(overview.Overview{}): "Overview",
}

// componentName names a component after its Go type: web's sendJSON → Send, member.Row →
// MemberRow, team.Summary → TeamSummary.
func componentName(t reflect.Type) string {
	if name, ok := componentNames[t]; ok {
		return name
	}
	name := strings.TrimSuffix(t.Name(), "JSON")
	pkg := t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:]
	if pkg != "web" && !strings.HasPrefix(strings.ToLower(name), pkg) {
		name = pkg + upperFirst(name)
	}
	return upperFirst(name)
}

func upperFirst(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// object is a struct's schema: its exported JSON fields, embedded structs flattened.
func (s *schemaSet) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	required := []string{}
	s.fields(t, props, &required)
	if s.inputs {
		return map[string]any{"type": "object", "properties": props}
	}
	return map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}
}

func (s *schemaSet) fields(t reflect.Type, props map[string]any, required *[]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				s.fields(ft, props, required)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = s.schema(f.Type)
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
			*required = append(*required, name)
		}
	}
}
