"""The TMDB wire layer: routes that parse requests and shape responses, nothing more."""
