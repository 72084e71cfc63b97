package main

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/go/packages"
)

// isContractEnum reports whether t is an enumeration of the contract: a named type of package
// api with a generated <Type>Values function.
func isContractEnum(t types.Type) bool {
	named, ok := types.Unalias(t).(*types.Named)
	if !ok || named.Obj().Pkg() == nil || named.Obj().Pkg().Path() != modulePath+"/api" {
		return false
	}
	_, ok = named.Obj().Pkg().Scope().Lookup(named.Obj().Name() + "Values").(*types.Func)
	return ok
}

// enumComparisons lists, in the packages' non-test, non-generated files, each == or != that
// decides on a value of a contract enumeration (not a comparison with "", which asks whether
// one was given), as "file:line: …".
func enumComparisons(pkgs []*packages.Package) []string {
	var out []string
	for _, p := range pkgs {
		for _, f := range p.Syntax {
			name := p.Fset.Position(f.Pos()).Filename
			if strings.HasSuffix(name, "_test.go") || strings.HasSuffix(name, ".gen.go") {
				continue
			}
			ast.Inspect(f, func(n ast.Node) bool {
				be, ok := n.(*ast.BinaryExpr)
				if !ok || (be.Op != token.EQL && be.Op != token.NEQ) {
					return true
				}
				for _, side := range []ast.Expr{be.X, be.Y} {
					tv, ok := p.TypesInfo.Types[side]
					if !ok || !isContractEnum(tv.Type) {
						continue
					}
					other := be.Y
					if side == be.Y {
						other = be.X
					}
					if ov := p.TypesInfo.Types[other].Value; ov != nil && ov.Kind() == constant.String && constant.StringVal(ov) == "" {
						break
					}
					pos := p.Fset.Position(be.Pos())
					rel, _ := filepath.Rel(p.Module.Dir, pos.Filename)
					file := filepath.ToSlash(filepath.Join(strings.TrimPrefix(strings.TrimPrefix(p.Module.Path, modulePath), "/"), rel))
					out = append(out, fmt.Sprintf("%s:%d: %s (%s)", file, pos.Line, types.ExprString(be), types.TypeString(tv.Type, nil)))
					break
				}
				return true
			})
		}
	}
	return out
}

// Code decides on a value of a contract enumeration only in a switch, which the exhaustive lint
// checks: an == or != tests one value and treats every other, one LaunchDarkly adds tomorrow
// included, alike, and no lint sees it.
func TestEnumsAreDecidedInSwitches(t *testing.T) {
	root, err := filepath.Abs(repoRoot)
	require.NoError(t, err)
	cfg := &packages.Config{
		Dir:  root,
		Mode: packages.NeedName | packages.NeedModule | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo,
		// The command is a module of its own, reached through the workspace.
		Env: append(os.Environ(), "GOWORK="+filepath.Join(root, "go.work"), "GOFLAGS="),
	}
	pkgs, err := packages.Load(cfg, "./...", "./cmd/ldaccess/...")
	require.NoError(t, err)
	require.Greater(t, len(pkgs), 10)
	for _, p := range pkgs {
		require.Empty(t, p.Errors, "%s", p.PkgPath)
	}
	assert.Empty(t, enumComparisons(pkgs), "decide these in a switch over the enumeration (one case per value the code knows, "+
		"a default for the rest), so that the exhaustive lint names a value the contract adds")
}
