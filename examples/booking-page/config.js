// The one file a deployer edits: which slotguard API the booking page talks to and
// whose event types it offers. A plain script (not a module) so that it can be edited
// or generated without touching the page's code. Query parameters override it:
// ?expert=<id>, ?events=<id>,<id>, ?api=<origin> (see README.md for when ?api= is heeded).
window.SLOTGUARD_BOOKING = {
  // '' = the origin that serves this page (the Node host with SLOTGUARD_PAGE_DIR, or the
  // Worker's static assets). Otherwise e.g. 'https://booking-api.example.com', which
  // must then allow this page's origin (SLOTGUARD_CORS_ORIGINS).
  apiBase: '',
  // The expert whose event types are listed (GET /v1/events?expert_id=...).
  expertId: 'dr-ada',
  // Used when the API cannot list an expert's event types (a core without
  // GET /v1/events?expert_id=): each is fetched with GET /v1/events/{id}.
  fallbackEventIds: ['intro-30', 'deep-dive-60'],
  // Other API origins that ?api= may name. The page's own origin is always allowed,
  // and so is any loopback origin when the page itself is on loopback (development).
  allowedApiOrigins: [],
  // How long the "held until ..." message shows before the page goes to checkout.
  redirectDelayMs: 1500,
};
