package i18n

// Messages of the rolls of dialogue bodies' meetings (internal/dialogue:
// guests invited by hand, public seats).
func init() {
	add := func(l Locale, m map[string]string) {
		for k, v := range m {
			catalog[l][k] = v
		}
	}
	add(PL, map[string]string{
		"dialogue.meeting_guest_on_roll": "Ta osoba jest zaproszona jako członek(-ini) lub delegat(ka) ciała dialogu: nie zaprasza się jej ani nie odwołuje zaproszenia osobno.",
	})
	add(UK, map[string]string{
		"dialogue.meeting_guest_on_roll": "Ця особа запрошена як член або делегат органу діалогу: її не запрошують і не відкликають запрошення окремо.",
	})
	add(EN, map[string]string{
		"dialogue.meeting_guest_on_roll": "This person is invited as a member or delegate of the dialogue body: they are not invited, nor their invitation withdrawn, separately.",
	})
	add(RU, map[string]string{
		"dialogue.meeting_guest_on_roll": "Этот человек приглашён как член или делегат органа диалога: его не приглашают и не отзывают приглашение отдельно.",
	})
}
