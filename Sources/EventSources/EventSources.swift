// EventSources
