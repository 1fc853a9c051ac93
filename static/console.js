// Buttons and links marked data-busy say so while the slow work behind them runs (the report takes seconds).
(function () {
  "use strict";
  document.querySelectorAll("[data-busy]").forEach(function (control) {
    control.addEventListener("click", function () {
      var status = document.getElementById("busy-status");
      control.setAttribute("aria-busy", "true");
      control.classList.add("busy");
      if (status) { status.textContent = control.dataset.busy; }
      // a download keeps the page, so give the control back once the file has had time to arrive
      window.setTimeout(function () {
        control.removeAttribute("aria-busy");
        control.classList.remove("busy");
        if (status) { status.textContent = ""; }
      }, 15000);
    });
  });
})();

// A page marked data-poll (the report being prepared) checks its own address again every few seconds and puts
// the new state in place; the region is a polite live region, so the change is read out. Without JavaScript the
// page offers a "Check again" link instead.
(function () {
  "use strict";
  var region = document.querySelector("[data-poll]");
  if (!region) { return; }
  region.querySelectorAll(".no-script").forEach(function (node) { node.hidden = true; });
  function check() {
    fetch(region.dataset.poll, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (answer) { return answer.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(region.id);
        if (!fresh) { return; }
        fresh.querySelectorAll(".no-script").forEach(function (node) { node.hidden = true; });
        region.innerHTML = fresh.innerHTML;
        if (fresh.dataset.poll) { window.setTimeout(check, 3000); } else { delete region.dataset.poll; }
        var again = document.getElementById("report-again");
        if (again) { again.hidden = Boolean(fresh.dataset.poll) || Boolean(fresh.querySelector("a.button")); }
      })
      .catch(function () { window.setTimeout(check, 10000); });
  }
  window.setTimeout(check, 3000);
})();

// A button marked data-confirm asks before its form goes (revoking links, deleting addresses).
document.addEventListener("click", function (event) {
  "use strict";
  var button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) { event.preventDefault(); }
});

// The people list: "select everyone" boxes (one per agency, one for all shown) and a count of those selected.
(function () {
  "use strict";
  var form = document.getElementById("people-form");
  if (!form) { return; }
  var count = document.getElementById("selected-count");
  function boxes(scope) {
    return Array.prototype.filter.call(scope.querySelectorAll("input[name='chosen']"), function (box) {
      return !box.disabled;
    });
  }
  function update() {
    var chosen = boxes(form).filter(function (box) { return box.checked; }).length;
    count.textContent = chosen === 1 ? "1 person" : chosen + " people";
    form.querySelectorAll("[data-select]").forEach(function (all) {
      var inside = boxes(document.querySelector(all.dataset.select));
      var checked = inside.filter(function (box) { return box.checked; }).length;
      all.checked = inside.length > 0 && checked === inside.length;
      all.indeterminate = checked > 0 && checked < inside.length;
    });
  }
  form.querySelectorAll("[data-select]").forEach(function (all) {
    all.hidden = false;
    if (all.parentElement.tagName === "LABEL") { all.parentElement.hidden = false; }
    all.addEventListener("change", function () {
      boxes(document.querySelector(all.dataset.select)).forEach(function (box) { box.checked = all.checked; });
      update();
    });
  });
  form.addEventListener("change", function (event) { if (event.target.name === "chosen") { update(); } });
  update();
})();

// The wording of a message: the preview follows what is typed (the server writes it, exactly as it is sent).
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview]");
  var preview = document.getElementById("preview");
  if (!form || !preview) { return; }
  var timer = null;
  var asked = 0;
  function refresh() {
    var mine = ++asked;
    var data = new FormData(form);
    fetch(form.dataset.preview, {method: "POST", body: data, credentials: "same-origin"})
      .then(function (answer) { return answer.ok ? answer.text() : null; })
      .then(function (html) { if (html !== null && mine === asked) { preview.innerHTML = html; } })
      .catch(function () { /* the Preview button still works */ });
  }
  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  });
})();

// The mapping page: a value given a meaning is no longer marked "to match", and the count above says how many are
// left (the page says the same without script once it is posted again).
(function () {
  "use strict";
  var rows = document.querySelectorAll("table select[name*='_means_']");
  var count = document.getElementById("unmatched-count");
  function update() {
    var left = 0;
    document.querySelectorAll("table select[name*='_means_']").forEach(function (select) {
      var row = select.closest("tr");
      row.classList.toggle("unmatched", !select.value);
      if (!select.value) { left += 1; }
    });
    if (count) {
      count.textContent = String(left);
      document.getElementById("unmatched-note").hidden = left === 0;
    }
  }
  rows.forEach(function (select) { select.addEventListener("change", update); });
})();
