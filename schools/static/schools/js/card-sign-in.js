// A QR login card opens this page with its token after "#", which the browser never sends to
// the server. Move it into the form (and out of the address bar and history), then show "Go".
const form = document.querySelector("[data-card-form]");
const token = window.location.hash.slice(1);
if (form && token) {
  form.querySelector("[data-card-token]").value = token;
  history.replaceState(null, "", window.location.pathname + window.location.search);
  form.hidden = false;
  document.querySelector("[data-card-missing]").hidden = true;
  form.querySelector("button").focus();
}
