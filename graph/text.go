package graph

import (
	"context"

	"github.com/google/uuid"
	"github.com/vikstrous/dataloadgen"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/i18n"
)

// localized resolves a text for a LocalizedString field: the field's locale
// argument wins, else the caller's locale (account, then Accept-Language).
func localized(ctx context.Context, textID *uuid.UUID, want *i18n.Locale) (*model.LocalizedString, error) {
	return localizedFrom(ctx, loadersFrom(ctx).texts, textID, want)
}

// localizedFrom resolves through a given text loader: texts of list items
// have loaders of their own, primed per page, so that each kind of text costs
// exactly one statement however the items' goroutines interleave.
func localizedFrom(ctx context.Context, l *dataloadgen.Loader[uuid.UUID, *i18n.Text], textID *uuid.UUID, want *i18n.Locale) (*model.LocalizedString, error) {
	if textID == nil {
		return nil, nil
	}
	t, err := l.Load(ctx, *textID)
	if err != nil || t == nil {
		return nil, err
	}
	loc := i18n.FromContext(ctx)
	if want != nil {
		loc = *want
	}
	res := t.Resolve(loc)
	return &model.LocalizedString{Text: res.Text, Locale: res.Locale, IsOriginal: res.IsOriginal,
		MissingLocales: res.MissingLocales, TextID: gid.Encode("Text", t.ID)}, nil
}

func (r *Resolver) translations(ctx context.Context, textID *uuid.UUID) ([]model.Translation, error) {
	if textID == nil {
		return []model.Translation{}, nil
	}
	vs, err := loadersFrom(ctx).textVersions(ctx, *textID)
	if err != nil {
		return nil, err
	}
	return translationsOut(ctx, vs)
}

// translationsOut maps versions, loading their authors' names in one batch.
func translationsOut(ctx context.Context, vs []i18n.Version) ([]model.Translation, error) {
	authors := make([]uuid.UUID, len(vs))
	for i, v := range vs {
		authors[i] = v.AuthorID
	}
	names, err := loadersFrom(ctx).displayNames(ctx, authors)
	if err != nil {
		return nil, err
	}
	out := make([]model.Translation, len(vs))
	for i, v := range vs {
		out[i] = model.Translation{ID: gid.Encode("TextVersion", v.ID), Locale: v.Locale, Text: v.Body, IsOriginal: v.IsOriginal,
			Source: model.TranslationSourceHuman, CreatedAt: v.CreatedAt, AuthorName: names[i]}
		if v.Source == i18n.SourceMachine {
			out[i].Source = model.TranslationSourceMachine
		}
	}
	return out, nil
}

// addTranslation: the text's author, the moderators and officials of its
// domains, coordinators and admins may add a translation (Casbin decides).
func (r *Resolver) addTranslation(ctx context.Context, in model.AddTranslationInput) (*model.AddTranslationPayload, error) {
	sub, err := requireSignedIn(ctx)
	if err != nil {
		return nil, err
	}
	id, err := gid.Expect(in.TextID, "Text", "textId")
	if err != nil {
		return nil, err
	}
	texts, err := i18n.Load(ctx, r.Pool, []uuid.UUID{id})
	if err != nil {
		return nil, err
	}
	t := texts[id]
	if t == nil {
		return nil, apperr.ErrNotFound
	}
	if err := authz.Require(ctx, "translate", authz.Object{Type: "text", ID: id.String(), OwnerID: t.AuthorID, Domains: t.Domains}); err != nil {
		return nil, err
	}
	var v i18n.Version
	err = db.InTx(ctx, r.Pool, func(tx *db.Tx) error {
		v, err = i18n.AddVersion(ctx, tx.Tx, id, in.Locale, in.Text, sub.AccountID, i18n.SourceHuman)
		return err
	})
	if err != nil {
		return nil, err
	}
	trs, err := translationsOut(ctx, []i18n.Version{v})
	if err != nil {
		return nil, err
	}
	loadersFrom(ctx).forgetText(id)
	text, err := localized(ctx, &id, &v.Locale)
	if err != nil {
		return nil, err
	}
	return &model.AddTranslationPayload{Translation: &trs[0], Text: text}, nil
}
