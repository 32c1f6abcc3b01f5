package contract

import (
	"fmt"
	"reflect"
	"strings"
)

// Object is a bucket object kind of one key, metadata/<Name>.json, that
// every build writes (from what site.json knows, just before it) and the
// Worker may serve at a path of its own. A new one is a row in Objects and
// its struct here, its build in manifest's objects.go, and its route in
// worker/src/routes.js (docs/bucket.md, "Adding a field or an object kind").
// Everything else follows from the row: the key, the reserved collection
// name and route, contract.js (OBJECTS: key, route and field types, from
// which worker/src/shape.js checks it), the strict decoder
// (manifest.DecodeObject), and the plan's order, conditional writes and
// deletion, `manifest rebuild` and `pull`.
type Object struct {
	// Name is the object's key, metadata/<Name>.json, and a reserved
	// collection name (else a collection of that name would have it as its
	// index).
	Name string
	// Route is the path the Worker serves it at, reserved for collections;
	// "" when it is not served.
	Route string
	// Shape is a zero value of its struct: an int field Version tagged
	// `json:"version"` first, then string and int fields (ObjectFields).
	Shape any
}

// Objects are the object kinds of one key that the build writes besides
// the collections' manifests and site.json.
var Objects = []Object{}

// Key is the object's key.
func (o Object) Key() string { return ManifestPrefix + o.Name + ManifestSuffix }

// The types of an Object's fields, as Fields and contract.js name them.
const (
	FieldVersion = "version" // the int Version field: Version, always 1
	FieldString  = "string"
	FieldInt     = "int" // a non-negative integer
)

// Fields are the JSON name → type (FieldVersion, FieldString, FieldInt) of
// the object's struct fields, or an error when Shape is not a struct of the
// form Object describes.
func (o Object) Fields() (map[string]string, error) {
	t := reflect.TypeOf(o.Shape)
	if t == nil || t.Kind() != reflect.Struct || t.NumField() == 0 {
		return nil, fmt.Errorf("object %q: shape %v is not a struct with fields", o.Name, t)
	}
	out := map[string]string{}
	for i := range t.NumField() {
		sf := t.Field(i)
		name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
		var typ string
		switch {
		case i == 0 && sf.Name == "Version" && name == "version" && sf.Type.Kind() == reflect.Int:
			typ = FieldVersion
		case i == 0:
			return nil, fmt.Errorf("object %q: first field %s is not Version int `json:\"version\"`", o.Name, sf.Name)
		case sf.Type.Kind() == reflect.String:
			typ = FieldString
		case sf.Type.Kind() == reflect.Int:
			typ = FieldInt
		}
		if typ == "" || name == "" || name == "-" || opts != "" {
			return nil, fmt.Errorf("object %q: field %s: want a string or an int with a plain json name", o.Name, sf.Name)
		}
		out[name] = typ
	}
	return out, nil
}

// ObjectOf returns the Objects row whose key is key.
func ObjectOf(key string) (Object, bool) {
	for _, o := range Objects {
		if o.Key() == key {
			return o, true
		}
	}
	return Object{}, false
}

// objectNames and objectRoutes are what Objects reserve.
func objectNames() (out []string) {
	for _, o := range Objects {
		out = append(out, o.Name)
	}
	return out
}

func objectRoutes() (out []string) {
	for _, o := range Objects {
		if o.Route != "" {
			out = append(out, o.Route)
		}
	}
	return out
}
