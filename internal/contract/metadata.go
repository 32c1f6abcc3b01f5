package contract

import "github.com/axctl/axctl/internal/store"

// MetadataSize returns what an object's custom metadata costs against the
// store's limit (limits.metadataBytes): every header name with its value as
// it travels (store.MetadataSize), after checking that each key can travel
// at all. meta holds decoded values, as an entry's record gives them.
func MetadataSize(meta map[string]string) (int, error) {
	if _, err := store.EncodeMetadata(meta); err != nil {
		return 0, err
	}
	return store.MetadataSize(meta), nil
}
