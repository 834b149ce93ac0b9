package io.tributary.stream;

public enum StreamMode { PROVISIONED, ON_DEMAND }
