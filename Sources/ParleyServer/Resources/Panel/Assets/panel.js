// Parley admin panel: a little of our own script, and nothing needs it. It asks before a delete
// and lets the tenant menu switch tenants without its button.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});
document.addEventListener("change", (event) => {
  const select = event.target;
  if (select.matches("select[data-navigate]") && select.value) window.location.assign(select.value);
});
