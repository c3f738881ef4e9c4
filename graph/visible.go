package graph

import (
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/apperr"
)

// visibleOr is the shape of every read by id: what a service returned,
// converted, or the zero value (nil) when the caller may not see it
// (NOT_FOUND: hidden and missing look the same); other errors pass.
func visibleOr[D, M any](d D, err error, conv func(D) M) (M, error) {
	var zero M
	if apperr.CodeOf(err) == apperr.NotFound {
		return zero, nil
	}
	if err != nil {
		return zero, err
	}
	return conv(d), nil
}

// nodeOr is visibleOr for node(id:): a hidden object is a nil interface,
// never an interface holding a nil pointer.
func nodeOr[D any, M model.Node](d D, err error, conv func(D) M) (model.Node, error) {
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return conv(d), nil
}
