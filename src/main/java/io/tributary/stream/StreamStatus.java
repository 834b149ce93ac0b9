package io.tributary.stream;

public enum StreamStatus { CREATING, DELETING, ACTIVE, UPDATING }
