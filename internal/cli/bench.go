package cli

import (
	"os"

	"github.com/pocketbase/pocketbase"
	"github.com/spf13/cobra"

	"teamfund/internal/bench"
)

func init() { commands = append(commands, newBenchCommand) }

func newBenchCommand(app *pocketbase.PocketBase) *cobra.Command {
	var opt bench.Options
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure Teamfund on this machine: seeds temporary data, drives the real server over HTTP, prints a table",
		Long: "Runs each workload against this binary started as a server on a temporary data folder (never your pb_data).\n" +
			"--quick uses smaller sizes (CI smoke run). Fails only when a correctness check fails (e.g. overspend), never on timings.",
		RunE: func(cmd *cobra.Command, args []string) error {
			bin, err := os.Executable()
			if err != nil {
				return err
			}
			opt.Binary = bin
			opt.Out = cmd.OutOrStdout()
			_, err = bench.Run(opt)
			return err
		},
	}
	cmd.Flags().BoolVar(&opt.Quick, "quick", false, "smaller sizes for a smoke run (under 2 minutes)")
	cmd.Flags().StringVar(&opt.Only, "only", "", "run only workloads whose name contains this text")
	cmd.Flags().StringVar(&opt.CPUProfile, "cpuprofile", "", "write a CPU profile of each server run into this folder (go tool pprof)")
	cmd.Flags().StringVar(&opt.Reuse, "reuse", "", "history: time the pages of a data folder an earlier run kept (TEAMFUND_BENCH_KEEP=1) instead of seeding")
	cmd.Flags().StringVar(&opt.Pages, "pages", "", "history: time only the pages whose label or path contains this text")
	return cmd
}
