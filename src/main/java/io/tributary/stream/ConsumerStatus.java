package io.tributary.stream;

public enum ConsumerStatus { CREATING, DELETING, ACTIVE }
