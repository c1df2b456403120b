// Package obs exports the connection supervisor to existing monitoring:
// Prometheus metrics on /metrics, a JSON health check on /healthz (HTTP 200
// only while the API session is connected), and the build's version.
//
// Wiring (main.go):
//
//	exp := obs.New()
//	cfg.OnEvent = exp.Observe // histograms fed from events
//	sup, _ := conn.New(cfg)
//	exp.Attach(sup)           // counters and gauges read at scrape time
//	srv, err := obs.Start(ctx, addr, exp.Handler(), logger)
//
// Counters and gauges are read from Supervisor.Metrics and Status when
// Prometheus scrapes, so they always equal the supervisor's own numbers;
// only the latency histograms are built from the event stream.
package obs

import (
	"runtime"
	"runtime/debug"
)

// Version, Commit and Date describe the build. Releases set them with
//
//	-ldflags "-X github.com/ibwatch/ibwatch/conn/obs.Version=1.2.3
//	          -X github.com/ibwatch/ibwatch/conn/obs.Commit=abc1234
//	          -X github.com/ibwatch/ibwatch/conn/obs.Date=2026-01-02T03:04:05Z"
//
// (see .goreleaser.yaml). They live here, not in package main, because the
// linker addresses package main as "main", not by its import path.
var (
	Version = "dev"
	Commit  = "none"
	Date    = "unknown"
)

// BuildInfo is the build's identity as `ibwatch version` prints it and the
// ibwatch_build_info metric labels it.
type BuildInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Date      string `json:"date"`
	GoVersion string `json:"goVersion"`
	OS        string `json:"os"`
	Arch      string `json:"arch"`
}

// Build returns the build's identity. When the release variables were not
// set (go install, go build), it falls back to what the Go toolchain
// recorded: the module version for `go install …@v1.2.3`, and the VCS
// revision and time for a build from a git checkout.
func Build() BuildInfo {
	b := BuildInfo{Version: Version, Commit: Commit, Date: Date,
		GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if b.Version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		b.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision" && b.Commit == "none":
			b.Commit = s.Value
			if len(b.Commit) > 12 {
				b.Commit = b.Commit[:12]
			}
		case s.Key == "vcs.time" && b.Date == "unknown":
			b.Date = s.Value
		case s.Key == "vcs.modified" && s.Value == "true" && b.Version == "dev":
			b.Version = "dev+dirty"
		}
	}
	return b
}

// String is the one-line form: "ibwatch 1.2.3 (commit abc, built …, linux/amd64)".
func (b BuildInfo) String() string {
	return "ibwatch " + b.Version + " (commit " + b.Commit + ", built " + b.Date + ", " + b.GoVersion + ", " + b.OS + "/" + b.Arch + ")"
}
