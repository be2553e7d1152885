// Starts Swagger UI (bundled from the swagger-ui-py package) on filmshelf's own OpenAPI document.
// A file of its own so that the page's Content-Security-Policy allows scripts from 'self' only.
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: false, // its links sit inside the operation buttons (nested interactive controls)
    validatorUrl: null,
    tryItOutEnabled: false,
    defaultModelsExpandDepth: 0
  });
  // Swagger UI's server picker has an empty <label>: name it for assistive technology.
  new MutationObserver(function () {
    var servers = document.getElementById("servers");
    if (servers && !servers.hasAttribute("aria-label")) servers.setAttribute("aria-label", "Server");
  }).observe(document.getElementById("swagger-ui"), {childList: true, subtree: true});
});
