/* Installable web app: registers the service worker (/sw.js) and tells it who is signed in.
 * Progressive enhancement: without JavaScript or service workers every page works the same,
 * only offline reading of "my dossiers" is missing. See onestop/portal/templates/portal/sw.js. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !("serviceWorker" in navigator)) return;
  var owner = script.getAttribute("data-owner") || "";
  navigator.serviceWorker.register(script.getAttribute("data-sw"), {scope: "/"})
    .catch(function () { /* not a secure context, or disabled: nothing to do */ });
  // Nobody (or somebody else) signed in: the worker drops the saved "my dossiers" pages.
  navigator.serviceWorker.ready.then(function (registration) {
    if (registration.active) registration.active.postMessage({type: "owner", owner: owner});
  });
})();
