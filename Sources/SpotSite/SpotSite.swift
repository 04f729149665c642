/// SpotSite renders the static dashboard and the static API from SpotCore's derived views.
public enum SpotSite {}
