public enum SpotKitModule {}
