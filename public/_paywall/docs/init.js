// Starts Swagger UI on the docs page (a file, not an inline script: the page's
// Content-Security-Policy allows scripts from this origin only). validatorUrl: null stops
// Swagger UI from loading its validator badge from validator.swagger.io.
window.ui = window.SwaggerUIBundle({
  url: '/_paywall/openapi.json',
  dom_id: '#swagger-ui',
  validatorUrl: null,
  deepLinking: false,
});
