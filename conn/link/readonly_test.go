package link_test

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/scmhub/ibapi"
)

// ibwatch never places, modifies or cancels orders: read-only by
// construction. These tests fail if any package of the module can reach an
// EClient call that changes orders or the account, or if the client
// library is reachable from anywhere but the link process.

// forbiddenCalls are the EClient methods that change orders, the account
// or TWS's API settings (client.go of scmhub/ibapi v0.10.44), with why.
var forbiddenCalls = map[string]string{
	"PlaceOrder":           "places or modifies an order",
	"CancelOrder":          "cancels an order",
	"ReqGlobalCancel":      "cancels every open order, API and TWS alike",
	"ExerciseOptions":      "exercises (or lets lapse) options",
	"ReqAutoOpenOrders":    "binds orders created in TWS to the API client",
	"ReplaceFA":            "replaces the Financial Advisor allocation groups and profiles",
	"UpdateConfigProtoBuf": "changes TWS's API configuration (read-only mode among it)",
}

// permittedCalls are every other exported EClient method: connection
// management, requests for data and their cancels, and reads of orders and
// positions. UpdateDisplayGroup and SetServerLogLevel change what a TWS
// window shows and how much TWS logs, not orders or the account.
var permittedCalls = strings.Fields(`
	Connect ConnectWithGracefulShutdown Disconnect Ctx IsConnected OptionalCapabilities SetOptionalCapabilities
	SetConnectionOptions ReqCurrentTime ReqCurrentTimeInMillis ServerVersion SetServerLogLevel TWSConnectionTime
	ReqMktData CancelMktData ReqMarketDataType ReqSmartComponents ReqMarketRule ReqTickByTickData CancelTickByTickData
	CalculateImpliedVolatility CancelCalculateImpliedVolatility CalculateOptionPrice CancelCalculateOptionPrice
	ReqOpenOrders ReqAllOpenOrders ReqCompletedOrders ReqIDs ReqExecutions
	ReqAccountUpdates ReqAccountSummary CancelAccountSummary ReqPositions CancelPositions ReqPositionsMulti
	CancelPositionsMulti ReqAccountUpdatesMulti CancelAccountUpdatesMulti ReqPnL CancelPnL ReqPnLSingle CancelPnLSingle
	ReqContractDetails CancelContractData ReqMktDepthExchanges ReqMktDepth CancelMktDepth ReqNewsBulletins
	CancelNewsBulletins ReqManagedAccts RequestFA ReqHistoricalData CancelHistoricalData ReqHeadTimeStamp
	CancelHeadTimeStamp ReqHistogramData CancelHistogramData ReqHistoricalTicks CancelHistoricalTicks
	ReqScannerParameters ReqScannerSubscription CancelScannerSubscription ReqRealTimeBars CancelRealTimeBars
	ReqFundamentalData CancelFundamentalData ReqNewsProviders ReqNewsArticle ReqHistoricalNews
	QueryDisplayGroups SubscribeToGroupEvents UpdateDisplayGroup UnsubscribeFromGroupEvents
	VerifyRequest VerifyMessage VerifyAndAuthRequest VerifyAndAuthMessage ReqSecDefOptParams ReqSoftDollarTiers
	ReqFamilyCodes ReqMatchingSymbols ReqWshMetaData CancelWshMetaData ReqWshEventData CancelWshEventData
	ReqUserInfo ReqConfigProtoBuf`)

// rawOrderIDs are our names for the wire message ids that carry order
// requests. Only the wire id table and the simulator (which turns them
// away) may name them: anything else could write an order frame to TWS
// without the library.
var rawOrderIDs = map[string]bool{"OutPlaceOrder": true, "OutCancelOrder": true, "OutReqGlobalCancel": true}

var rawOrderIDHomes = []string{"conn/wire", "conn/twsim"}

// A library upgrade that adds, renames or removes an EClient method fails
// here until someone decides which list it belongs in.
func TestEveryEClientMethodIsClassified(t *testing.T) {
	typ := reflect.TypeOf((*ibapi.EClient)(nil))
	have := map[string]bool{}
	for i := range typ.NumMethod() {
		name := typ.Method(i).Name
		have[name] = true
		_, bad := forbiddenCalls[name]
		if !bad && !slices.Contains(permittedCalls, name) {
			t.Errorf("EClient.%s is not classified: add it to forbiddenCalls if it can change orders, the account or TWS settings, else to permittedCalls", name)
		}
	}
	for name := range forbiddenCalls {
		if !have[name] {
			t.Errorf("forbiddenCalls names EClient.%s, which the library no longer has: find what replaced it", name)
		}
	}
	for _, name := range permittedCalls {
		if !have[name] {
			t.Errorf("permittedCalls names EClient.%s, which the library no longer has", name)
		}
	}
}

// TestNoOrderCalls parses every non-test Go file of the module and fails on
// any mention of an order-changing call.
func TestNoOrderCalls(t *testing.T) {
	root := moduleRoot(t)
	fset := token.NewFileSet()
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") ||
				fileExists(filepath.Join(path, "go.mod"))) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			return nil
		}
		files++
		dir := filepath.ToSlash(filepath.Dir(rel))
		for _, hit := range orderCalls(fset, f, slices.Contains(rawOrderIDHomes, dir)) {
			t.Errorf("%s:%s (ibwatch is read-only: see forbiddenCalls in conn/link/readonly_test.go)", rel, hit)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 20 {
		t.Fatalf("only %d Go files found under %s: the walk is broken", files, root)
	}
}

// orderCalls reports, as "line: what", every selector, method value,
// method expression, interface method, declaration or string (reflection)
// naming a forbidden call, every go:linkname directive, and, unless
// rawAllowed, every mention of a raw order message id.
func orderCalls(fset *token.FileSet, f *ast.File, rawAllowed bool) []string {
	var hits []string
	at := func(n ast.Node, format string, args ...any) {
		hits = append(hits, strconv.Itoa(fset.Position(n.Pos()).Line)+": "+strings.TrimSpace(fmt.Sprintf(format, args...)))
	}
	name := func(n ast.Node, id *ast.Ident, what string) {
		if why, bad := forbiddenCalls[id.Name]; bad {
			at(n, "%s %s: it %s", what, id.Name, why)
		}
		if !rawAllowed && rawOrderIDs[id.Name] {
			at(n, "%s %s: a raw order message id", what, id.Name)
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			name(n, n.Sel, "call or method value")
		case *ast.FuncDecl:
			name(n, n.Name, "declaration of")
		case *ast.InterfaceType:
			for _, m := range n.Methods.List {
				for _, id := range m.Names {
					name(m, id, "interface method")
				}
			}
		case *ast.BasicLit:
			if n.Kind == token.STRING {
				if s, err := strconv.Unquote(n.Value); err == nil {
					if _, bad := forbiddenCalls[s]; bad {
						at(n, "string %q (reflection?)", s)
					}
				}
			}
		}
		return true
	})
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if strings.HasPrefix(c.Text, "//go:linkname") {
				at(c, "%s: linkname can reach unexported library code", c.Text)
			}
		}
	}
	return hits
}

// The checker itself: it must catch every way of writing the call.
func TestOrderCallCheckerCatchesCalls(t *testing.T) {
	const bad = `package x

import (
	"reflect"

	"github.com/scmhub/ibapi"
	"github.com/ibwatch/ibwatch/conn/wire"
)

type embed struct{ *ibapi.EClient }

type placer interface{ PlaceOrder(ibapi.OrderID, *ibapi.Contract, *ibapi.Order) }

func call(c *ibapi.EClient) { c.PlaceOrder(1, nil, nil) }

func value(c *ibapi.EClient) { f := c.CancelOrder; _ = f }

func expr() { _ = (*ibapi.EClient).ReqGlobalCancel }

func promoted(e embed) { e.ExerciseOptions(1, nil, 1, 1, "", 0, "", "", "", false) }

func reflected(c *ibapi.EClient) { reflect.ValueOf(c).MethodByName("ReqAutoOpenOrders") }

func raw() []byte { return wire.Encode(wire.OutPlaceOrder) }

//go:linkname sneaky github.com/scmhub/ibapi.(*EClient).placeOrderProtoBuf
func sneaky()
`
	want := []string{"interface method PlaceOrder", "call or method value PlaceOrder", "call or method value CancelOrder",
		"call or method value ReqGlobalCancel", "call or method value ExerciseOptions", `string "ReqAutoOpenOrders"`,
		"call or method value OutPlaceOrder", "//go:linkname"}
	hits := check(t, bad, false)
	for _, w := range want {
		if !slices.ContainsFunc(hits, func(h string) bool { return strings.Contains(h, w) }) {
			t.Errorf("the checker missed %q; it found:\n%s", w, strings.Join(hits, "\n"))
		}
	}
	if hits := check(t, bad, true); slices.ContainsFunc(hits, func(h string) bool { return strings.Contains(h, "OutPlaceOrder") }) {
		t.Errorf("raw ids flagged inside the simulator: %v", hits)
	}

	const good = `package x

import "github.com/scmhub/ibapi"

type wrapper struct{}

func (wrapper) OpenOrder(ibapi.OrderID, *ibapi.Contract, *ibapi.Order, *ibapi.OrderState) {}

func read(c *ibapi.EClient) {
	c.ReqMktData(1, nil, "", false, false, nil)
	c.ReqOpenOrders()
	_ = "PlaceOrders are never sent"
}
`
	if hits := check(t, good, false); len(hits) > 0 {
		t.Errorf("false alarms on read-only code: %v", hits)
	}
}

func check(t *testing.T, src string, rawAllowed bool) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "snippet.go", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	return orderCalls(fset, f, rawAllowed)
}

// Only the link process may hold the client library: conn/link imports it
// (directly, among non-test packages), and only what runs the link (the
// ibwatch binary and the test helper binary) depends on it at all.
func TestOnlyTheLinkImportsTheLibrary(t *testing.T) {
	const lib, mod = "github.com/scmhub/ibapi", "github.com/ibwatch/ibwatch"
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports,Deps", "./...")
	cmd.Dir = moduleRoot(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, exitStderr(err))
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var importers, dependents []string
	for dec.More() {
		var p struct {
			ImportPath    string
			Imports, Deps []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if slices.Contains(p.Imports, lib) {
			importers = append(importers, p.ImportPath)
		}
		if slices.Contains(p.Deps, lib) {
			dependents = append(dependents, p.ImportPath)
		}
	}
	if want := []string{mod + "/conn/link"}; !slices.Equal(importers, want) {
		t.Errorf("packages importing %s: %v, want only %v", lib, importers, want)
	}
	allowed := []string{mod, mod + "/conn/link", mod + "/conn/link/cmd/ibwatch-link"}
	for _, p := range dependents {
		if !slices.Contains(allowed, p) {
			t.Errorf("%s depends on %s; only %v may", p, lib, allowed)
		}
	}
	if !slices.Contains(dependents, mod+"/conn/link") {
		t.Errorf("go list shows no package depending on %s: the check is broken", lib)
	}
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		t.Fatal("not inside the module")
	}
	return filepath.Dir(gomod)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func exitStderr(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}
