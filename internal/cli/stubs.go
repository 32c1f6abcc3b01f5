package cli

import (
	"context"

	"github.com/spf13/cobra"
)

func newSyncCmd(ios IO, g *Globals, runF func(context.Context, any) error) *cobra.Command {
	return &cobra.Command{Use: "sync", Hidden: true}
}
func newManifestCmd(ios IO, g *Globals) *cobra.Command {
	return &cobra.Command{Use: "manifest", Hidden: true}
}
