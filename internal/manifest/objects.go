package manifest

import (
	"fmt"
	"reflect"

	"github.com/axctl/axctl/internal/contract"
)

// objectBuilds make each of contract.Objects, by name, from the site
// manifest BuildEach is about to write (its collections with their totals,
// tags, latest entries): the value returned is the row's Shape type with
// Version set. BuildEach emits them just before site.json, in the order of
// contract.Objects; TestObjectBuilds checks every row has one.
var objectBuilds = map[string]func(sm *SiteManifest) any{}

// emitObjects emits every contract.Objects kind.
func emitObjects(emit emitFunc, sm *SiteManifest) error {
	for _, o := range contract.Objects {
		build, ok := objectBuilds[o.Name]
		if !ok {
			return fmt.Errorf("object %q: no build in manifest's objectBuilds", o.Name)
		}
		if err := emitJSON(emit, o.Key(), build(sm)); err != nil {
			return err
		}
	}
	return nil
}

// DecodeObject parses the contract.Objects kind at key as Build writes it
// (strictly, as the other Decode functions): a pointer to its Shape type.
func DecodeObject(key string, b []byte) (any, error) {
	o, ok := contract.ObjectOf(key)
	if !ok {
		return nil, fmt.Errorf("decode %s: not an object kind of contract.Objects", key)
	}
	if _, err := o.Fields(); err != nil {
		return nil, err
	}
	v := reflect.New(reflect.TypeOf(o.Shape))
	version := v.Elem().Field(0).Addr().Interface().(*int) // Fields checked it is Version
	return v.Interface(), decodeManifest(o.Name, b, v.Interface(), version)
}
