// Starts Swagger UI (bundled from the swagger-ui-py package) on filmshelf's own OpenAPI document.
// A file of its own so that the page's Content-Security-Policy allows scripts from 'self' only.
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: false,
    defaultModelsExpandDepth: 0
  });
});
