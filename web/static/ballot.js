// The ballot's checks before sending: each group's projects are different,
// the ranks are filled from the first, the group has its minimum, and the
// district projects come from one district. The words come from the page
// (data-msg-*); the server checks everything again and has the last word.
(function () {
  'use strict';
  var form = document.querySelector('form[data-ballot]');
  if (!form) return;

  function fmt(s, args) {
    return s.replace(/\{(\w+)\}/g, function (m, k) { return k in args ? args[k] : m; });
  }

  function check(group) {
    var selects = group.querySelectorAll('select');
    var values = [], seen = {}, districts = {}, gap = false, empty = false;
    for (var i = 0; i < selects.length; i++) {
      var s = selects[i], v = s.value;
      if (!v) { empty = true; continue; }
      if (empty) gap = true;
      if (seen[v]) return form.dataset.msgRepeated;
      seen[v] = true;
      values.push(v);
      var og = s.options[s.selectedIndex].parentNode;
      if (og && og.tagName === 'OPTGROUP') districts[og.dataset.district] = true;
    }
    if (group.dataset.district && Object.keys(districts).length > 1) return form.dataset.msgDistricts;
    if (gap) return form.dataset.msgGap;
    var min = parseInt(group.dataset.min, 10) || 0;
    if (values.length < min) return fmt(form.dataset.msgMin, {count: min});
    return '';
  }

  function show(group, msg) {
    var key = group.dataset.group;
    var p = group.querySelector('[data-error-for]');
    var hint = 'f-' + key + '-hint';
    group.classList.toggle('invalid', !!msg);
    p.hidden = !msg;
    p.querySelector('.message').textContent = msg;
    group.querySelectorAll('select').forEach(function (s) {
      if (msg) {
        s.setAttribute('aria-invalid', 'true');
        s.setAttribute('aria-describedby', hint + ' f-' + key + '-error');
      } else {
        s.removeAttribute('aria-invalid');
        s.setAttribute('aria-describedby', hint);
      }
    });
  }

  function summary(errors) {
    var old = document.querySelector('main .error-summary');
    if (old) old.remove();
    if (!errors.length) return;
    var div = document.createElement('div');
    div.className = 'error-summary';
    div.setAttribute('role', 'alert');
    div.setAttribute('aria-labelledby', 'error-summary-title');
    div.tabIndex = -1;
    var h = document.createElement('h2');
    h.id = 'error-summary-title';
    h.textContent = form.dataset.msgProblem;
    div.appendChild(h);
    var ul = document.createElement('ul');
    errors.forEach(function (e) {
      var li = document.createElement('li'), a = document.createElement('a');
      a.href = '#f-' + e.key;
      a.textContent = e.msg;
      li.appendChild(a);
      ul.appendChild(li);
    });
    div.appendChild(ul);
    var h1 = document.querySelector('main h1');
    h1.parentNode.insertBefore(div, h1.nextSibling);
    div.focus();
  }

  form.addEventListener('submit', function (ev) {
    var errors = [];
    form.querySelectorAll('fieldset[data-group]').forEach(function (g) {
      var msg = check(g);
      show(g, msg);
      if (msg) errors.push({key: g.dataset.group, msg: msg});
    });
    if (errors.length) {
      ev.preventDefault();
      summary(errors);
    }
  });
})();
