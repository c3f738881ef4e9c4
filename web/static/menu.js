// The main menu is a disclosure on a phone and always open on a wide
// screen. This runs where the menu ends (not deferred), so a wide screen
// paints it open; without script the "Menu" button still opens it.
(() => {
  const menu = document.querySelector('details.menu');
  if (!menu || !window.matchMedia) return;
  const wide = window.matchMedia('(min-width: 48rem)');
  const sync = () => { if (wide.matches) menu.open = true; };
  sync();
  wide.addEventListener('change', sync);
})();
