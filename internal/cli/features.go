package cli

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/axctl/axctl/internal/render"
)

// NewCmdFeatures is `axctl features`.
func NewCmdFeatures(f *Factory) *cobra.Command {
	ios, g := f.IO, f.Globals
	return &cobra.Command{
		Use:   "features",
		Short: "List the features an entry may declare",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if g.JSON {
				type f struct {
					ID, Type, Name, Doc string
				}
				var out []f
				for _, x := range render.Registry {
					out = append(out, f{x.ID(), x.Type, x.Name, x.Doc})
				}
				return json.NewEncoder(ios.Out).Encode(out)
			}
			tw := tabwriter.NewWriter(ios.Out, 0, 4, 2, ' ', 0)
			for _, x := range render.Registry {
				fmt.Fprintf(tw, "%s\t%s\n", x.ID(), x.Doc)
			}
			return tw.Flush()
		},
	}
}
