package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// ShapeLimit refuses operations nested deeper than MaxDepth fields or that
// expand to more than MaxFields fields once fragments are inlined. gqlgen has
// no depth limit, and a few fragments spread many times can expand
// exponentially before the complexity limit (which walks the expansion) sees
// them; fragment sizes are memoised here so the check itself stays linear.
type ShapeLimit struct {
	MaxDepth  int
	MaxFields int
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = ShapeLimit{}

func (ShapeLimit) ExtensionName() string                   { return "ShapeLimit" }
func (ShapeLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (l ShapeLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	op := oc.Doc.Operations.ForName(oc.OperationName)
	if op == nil {
		return nil
	}
	m := shapeMeter{frags: oc.Doc.Fragments, memo: map[string]shape{}}
	s := m.measure(op.SelectionSet)
	if s.depth > l.MaxDepth {
		err := gqlerror.Errorf("operation is nested %d levels deep; the limit is %d", s.depth, l.MaxDepth)
		err.Extensions = map[string]any{"code": "DEPTH_LIMIT_EXCEEDED"}
		return err
	}
	if s.fields > l.MaxFields {
		err := gqlerror.Errorf("operation selects more than %d fields", l.MaxFields)
		err.Extensions = map[string]any{"code": "COMPLEXITY_LIMIT_EXCEEDED"}
		return err
	}
	return nil
}

type shape struct{ depth, fields int }

const saturate = 1 << 40

type shapeMeter struct {
	frags ast.FragmentDefinitionList
	memo  map[string]shape
}

func (m *shapeMeter) measure(set ast.SelectionSet) shape {
	var out shape
	for _, sel := range set {
		var s shape
		switch x := sel.(type) {
		case *ast.Field:
			s = m.measure(x.SelectionSet)
			s.depth++
			s.fields++
		case *ast.InlineFragment:
			s = m.measure(x.SelectionSet)
		case *ast.FragmentSpread:
			s = m.fragment(x.Name)
		}
		out.depth = max(out.depth, s.depth)
		out.fields = min(out.fields+s.fields, saturate)
	}
	return out
}

// fragment measures a named fragment once; validation has already refused
// cycles, and the placeholder guards against one slipping through.
func (m *shapeMeter) fragment(name string) shape {
	if s, ok := m.memo[name]; ok {
		return s
	}
	m.memo[name] = shape{}
	f := m.frags.ForName(name)
	if f == nil {
		return shape{}
	}
	s := m.measure(f.SelectionSet)
	m.memo[name] = s
	return s
}
