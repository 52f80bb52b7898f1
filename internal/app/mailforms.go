package app

import (
	"context"
	"errors"

	"egov/internal/forms"
	"egov/internal/identity"
	"egov/internal/mail"
)

// mailForms attaches a notification's form to its e-mail, printed for the
// notified user as they may see the dossier.
func (a *App) mailForms(ctx context.Context, notificationID int64) ([]mail.Attachment, error) {
	userID, kind, code, err := a.Dossiers.NoticeOf(ctx, notificationID)
	if err != nil {
		return nil, err
	}
	k, ok := forms.OfNotice(kind)
	if !ok || code == "" {
		return nil, nil
	}
	u, err := a.Identity.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	doc, err := a.forms.Dossier(ctx, &identity.Principal{Stage: identity.StageFull, User: u}, code, k)
	if errors.Is(err, forms.ErrNotAvailable) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return []mail.Attachment{{Name: doc.Name, ContentType: "application/pdf", Data: doc.PDF}}, nil
}
