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
