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
