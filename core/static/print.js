// Shows the "Print" buttons of printable pages (they need JavaScript) and wires them up.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
